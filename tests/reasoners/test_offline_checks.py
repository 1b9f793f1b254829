"""The offline engine's checks on real repositories: where a value came from, which config changed."""

from __future__ import annotations

from fivewhys import Settings, analyze_text

OFFLINE = Settings(engine="offline")

STORE = '''using Microsoft.Data.SqlClient;

namespace Shop.Data;

public class Store
{
    public SqlConnection Open()
    {
        var conn = new SqlConnection(_config.GetConnectionString("Orders"));
        conn.Open();
        return conn;
    }
}
'''


def test_config_rename_with_no_code_change_is_found(repo_builder) -> None:  # type: ignore[no-untyped-def]
    repo = repo_builder("shop")
    repo.commit({"src/Shop/Data/Store.cs": STORE,
                 "src/Shop/appsettings.Production.json": '{\n  "ConnectionStrings": {\n    "Orders": "Server=sql-01"\n  }\n}\n'},
                "Orders store on SQL Server", "2026-10-01T10:00:00+00:00", "Ana Lima")
    repo.commit({"src/Shop/appsettings.Production.json":
                 '{\n  "ConnectionStrings": {\n    "OrdersDb": "Server=sql-02"\n  }\n}\n'},
                "Point production at sql-02", "2026-10-20T13:00:00+00:00", "Bo Chen")
    trace = ("System.InvalidOperationException: The ConnectionString property has not been initialized.\n"
             "   at Microsoft.Data.SqlClient.SqlConnection.Open()\n"
             "   at Shop.Data.Store.Open() in /src/Shop/Data/Store.cs:line 10\n")
    report = analyze_text(trace, OFFLINE, cwd=repo.root)
    rc = report.root_cause
    assert not report.inconclusive and report.classification.type == "configuration"
    assert rc.commit is not None and rc.commit.subject == "Point production at sql-02"
    assert rc.location is not None and rc.location.file == "src/Shop/appsettings.Production.json"
    assert rc.surfaced_at is not None and rc.surfaced_at.file == "src/Shop/Data/Store.cs"
    assert '"Orders"' in rc.statement and "OrdersDb" in rc.statement


def test_value_from_a_callee_points_at_the_callee_and_its_change(repo_builder) -> None:  # type: ignore[no-untyped-def]
    repo = repo_builder("fx")
    repo.commit({"fx/rates.py": "def rate(ccy):\n    return RATES[ccy]\n",
                 "fx/convert.py": "from fx.rates import rate\n\n\ndef convert(amount, ccy):\n    return amount * rate(ccy)\n"},
                "FX conversion", "2026-09-01T09:00:00+00:00")
    repo.commit({"fx/rates.py": "def rate(ccy):\n    if ccy not in RATES:\n        return None\n    return RATES[ccy]\n"},
                "Do not raise for unknown currencies", "2026-11-20T09:00:00+00:00", "Dee Park")
    trace = ('Traceback (most recent call last):\n  File "/app/fx/convert.py", line 5, in convert\n'
             "    return amount * rate(ccy)\nTypeError: unsupported operand type(s) for *: 'int' and 'NoneType'\n")
    report = analyze_text(trace, OFFLINE, cwd=repo.root)
    rc = report.root_cause
    assert (rc.location.file, rc.location.function) == ("fx/rates.py", "rate")  # type: ignore[union-attr]
    assert rc.commit is not None and rc.commit.subject == "Do not raise for unknown currencies"
    assert "return None" in rc.statement
    git_view = [h for h in report.hypotheses if h.statement.startswith("A recent change")]
    # the git view of the same explanation is not reported as a rejected rival, nor ranked above it
    assert len(git_view) == 1 and git_view[0].status == "confirmed" and rc.commit.sha[:10] in git_view[0].statement
    assert report.hypotheses[0].confidence > git_view[0].confidence


def test_log_only_pool_exhaustion_finds_the_pool_size_change(repo_builder) -> None:  # type: ignore[no-untyped-def]
    repo = repo_builder("ledger")
    db = 'package store\n\nfunc Open(dsn string) *Pool {\n\tcfg := parse(dsn)\n\tcfg.MaxConns = {n}\n\treturn connect(cfg)\n}\n'
    repo.commit({"internal/store/db.go": db.replace("{n}", "40")}, "Ledger store", "2026-04-01T09:00:00+00:00")
    repo.commit({"internal/store/db.go": db.replace("{n}", "4")}, "Cap pool connections per pod",
                "2026-04-27T16:00:00+00:00", "Kai Lund")
    repo.commit({"README.md": "ledger\n"}, "Docs", "2026-04-28T08:00:00+00:00")
    lines = [f'{{"timestamp": "2026-04-28T12:00:{s:02d}Z", "level": "error", "message": "transfer failed", '
             f'"error": "acquire connection: context deadline exceeded"}}\n' for s in range(0, 60, 5)]
    (repo.root / "ledger.jsonl").write_text("".join(lines))
    report = analyze_text("transfers fail at the lunch peak, see ledger.jsonl", OFFLINE, cwd=repo.root)
    rc = report.root_cause
    assert rc.commit is not None and rc.commit.subject == "Cap pool connections per pod"
    assert rc.location is not None and (rc.location.file, rc.location.function) == ("internal/store/db.go", "Open")
    assert report.classification.observability == "load-dependent"


def test_a_go_method_called_on_a_nil_pointer_is_named_as_such(tmp_path) -> None:  # type: ignore[no-untyped-def]
    panic = ("panic: runtime error: invalid memory address or nil pointer dereference\n"
             "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a2b1c]\n\n"
             "goroutine 7 [running]:\nshop/api.(*Handler).Serve(0x0, {0x5c3f20, 0xc000012345})\n"
             "\t/build/api/handler.go:42 +0x1c\nmain.main()\n\t/build/main.go:17 +0x85\n")
    statement = analyze_text(panic, OFFLINE, cwd=tmp_path).root_cause.statement
    assert "nil `*Handler` receiver" in statement
    live = panic.replace("(0x0,", "(0xc000010000,")
    assert "receiver" not in analyze_text(live, OFFLINE, cwd=tmp_path).root_cause.statement
