"""The evidence tools as engines call them: validated input, results not exceptions, sandboxed."""

from __future__ import annotations

from pathlib import Path

from fivewhys.evidence.git import Git
from fivewhys.evidence.source import RepoIndex
from fivewhys.graph.state import EvidenceBook
from fivewhys.tools import TOOLS, ToolEnv, call_tool


def _env(repo: Path) -> ToolEnv:
    git = Git(repo)
    return ToolEnv(book=EvidenceBook([], repo), git=git, index=RepoIndex(repo, git.tracked_files()),
                   log_paths=[repo / "logs" / "checkout.jsonl"])


def test_every_tool_has_a_schema_and_a_description() -> None:
    for tool in TOOLS.values():
        schema = tool.input_schema()
        assert schema["type"] == "object" and tool.description and "title" not in schema


def test_read_source_now_and_at_an_older_commit(example_repo: Path) -> None:
    env = _env(example_repo)
    now = call_tool("read_source", {"path": "app/pricing.py", "line": 18, "before": 2, "after": 0}, env)
    assert now.status == "ok" and "return None" in now.output
    first = env.git.log(["app/pricing.py"])[-1].sha  # type: ignore[union-attr]
    old = call_tool("read_source", {"path": "app/pricing.py", "line": 8, "before": 2, "after": 0, "commit": first},
                    env)
    assert old.status == "ok" and 'catalog.lookup(sku)["price_cents"]' in old.output
    assert old.evidence and env.book.items[-1].source == f"commit:{first}"
    missing = call_tool("read_source", {"path": "app/pricing.py", "line": 400, "commit": first}, env)
    assert missing.status == "error"


def test_git_suspects_ranks_the_culprit_first(example_repo: Path) -> None:
    env = _env(example_repo)
    out = call_tool("git_suspects", {"frames": ["app/cart.py:11:total", "app/server.py:13:handle_checkout"],
                                     "onset": "2026-11-27T11:27:07+00:00"}, env)
    assert out.status == "ok"
    top = out.output.splitlines()[0]
    assert "Return None for SKUs missing from the price cache" in top and "get_price" in top


def test_bad_arguments_and_unknown_tools_come_back_as_errors(example_repo: Path) -> None:
    env = _env(example_repo)
    assert call_tool("git_show", {"sha": "zzz"}, env).status == "error"
    assert "unknown tool" in call_tool("rm_rf", {}, env).output
    assert "invalid arguments" in call_tool("git_blame", {"path": "a.py"}, env).output
    assert call_tool("read_source", {"path": "../outside.txt", "line": 1}, env).status == "error"
    assert call_tool("search_logs", {"pattern": "(unclosed", "regex": True}, env).status == "error"


def _two_services(tmp_path: Path) -> list[Path]:
    """api and db logs, db's clock 2 s ahead; request r-77 crosses both; errors start at 10:05."""
    api, db = tmp_path / "api.log", tmp_path / "db.jsonl"
    api_lines = [f"2026-11-27T10:{m:02d}:{s:02d}Z INFO GET /items 200 in {m + s}ms" for m in range(5) for s in (0, 30)]
    api_lines += ["2026-11-27T10:04:50Z INFO deployed version v2.1.0 (rollout complete)",
                  "2026-11-27T10:05:01Z INFO request r-77 received",
                  "2026-11-27T10:05:04Z ERROR request r-77 failed: upstream db timeout after 3000ms"]
    api_lines += [f"2026-11-27T10:05:{s:02d}Z ERROR request r-{s} failed: upstream db timeout after 3000ms"
                  for s in range(10, 60, 2)]
    api.write_text("\n".join(api_lines) + "\n")
    db.write_text('{"timestamp": "2026-11-27T10:05:02Z", "level": "WARN", "service": "db", '
                  '"message": "slow query 2900ms", "correlation_id": "r-77"}\n'
                  '{"timestamp": "2026-11-27T10:05:03Z", "level": "INFO", "service": "db", "message": "vacuum"}\n')
    return [api, db]


def test_log_stats_and_timeline_cite_what_changed_and_in_what_order(tmp_path: Path) -> None:
    env = ToolEnv(book=EvidenceBook([], tmp_path), log_paths=_two_services(tmp_path))
    stats = call_tool("log_stats", {"onset": "2026-11-27T10:05:00Z"}, env)
    assert stats.status == "ok", stats.output
    assert "first error 2026-11-27 10:05:04" in stats.output
    assert "new since" in stats.output and "upstream db timeout" in stats.output
    assert "deploy marker" in stats.output and "v2.1.0" in stats.output
    cited = {e.source for e in env.book.items}
    assert "api.log:13" in cited and "api.log:11" in cited  # first error, deploy marker
    timeline = call_tool("log_timeline", {"ids": ["r-77"]}, env)
    assert timeline.status == "ok", timeline.output
    body = timeline.output.splitlines()[1:]
    assert [line.split("] ", 1)[1].split(" ", 2)[1] for line in body] == ["10:05:01+00:00", "10:05:02+00:00",
                                                                           "10:05:04+00:00"]
    assert "db WARN slow query" in body[1] and "vacuum" not in timeline.output
    assert call_tool("log_timeline", {}, env).status == "error"  # neither ids nor a window
    assert len(call_tool("log_timeline", {"since": "2026-11-27T10:05:00Z", "limit": 3}, env).evidence) == 3


def test_search_logs_filters_on_fields_and_shows_context(tmp_path: Path) -> None:
    env = ToolEnv(book=EvidenceBook([], tmp_path), log_paths=_two_services(tmp_path))
    by_field = call_tool("search_logs", {"pattern": "query", "fields": {"correlation_id": "r-77"}}, env)
    assert by_field.status == "ok" and by_field.output.startswith("1 matching records")
    assert call_tool("search_logs", {"pattern": "query", "fields": {"correlation_id": "r-1"}}, env).output.startswith(
        "0 matching records")
    ctx = call_tool("search_logs", {"pattern": "r-77 failed", "context": 1}, env)
    shown = ctx.output.splitlines()
    assert len(ctx.evidence) == 1 and "api.log:12:" in shown[1] and "api.log:13" in shown[2] and "api.log:14:" in shown[3]


def test_a_log_that_turned_binary_is_an_error_result_not_an_exception(tmp_path: Path) -> None:
    paths = _two_services(tmp_path)
    paths[0].write_bytes(b"\x00\x01\x02binary\x00" * 100)
    env = ToolEnv(book=EvidenceBook([], tmp_path), log_paths=paths)
    for name, args in (("log_stats", {}), ("log_timeline", {"ids": ["r-77"]}), ("log_templates", {})):
        out = call_tool(name, args, env)
        assert out.status == "error" and "api.log" in out.output, (name, out.output)
