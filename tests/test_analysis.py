"""End to end, offline, on real git repositories built in tmp dirs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fivewhys import Settings, analyze_text

OFFLINE = Settings(engine="offline")


def test_example_incident_names_file_function_commit_and_deploy(example_repo: Path) -> None:
    text = (example_repo / "incident.txt").read_text()
    report = analyze_text(text, OFFLINE, cwd=example_repo)
    rc = report.root_cause
    assert not report.inconclusive
    assert (rc.location.file, rc.location.function) == ("app/pricing.py", "get_price")  # type: ignore[union-attr]
    assert (rc.surfaced_at.file, rc.surfaced_at.line) == ("app/cart.py", 11)  # type: ignore[union-attr]
    assert rc.commit is not None and rc.commit.subject == "Return None for SKUs missing from the price cache"
    assert report.summary.first_seen == "2026-11-27T11:27:07+00:00" and report.summary.occurrences == 26
    by_id = {e.id: e for e in report.evidence}
    cited = [by_id[i] for i in rc.evidence]
    assert any(e.kind == "commit" and e.source == f"commit:{rc.commit.sha}" for e in cited)
    assert any(e.kind == "source" and e.source.startswith("app/pricing.py:") for e in cited)
    assert any(e.kind == "log" and "deployed version v1.4.0" in e.excerpt for e in cited)
    assert report.warnings == []  # every citation checked out
    assert report.suspects[0].file == "app/pricing.py"


def test_same_input_same_report(example_repo: Path) -> None:
    text = (example_repo / "incident.txt").read_text()
    a = analyze_text(text, OFFLINE, cwd=example_repo).model_dump(exclude={"engine"})
    b = analyze_text(text, OFFLINE, cwd=example_repo).model_dump(exclude={"engine"})
    assert a == b


def test_missing_env_var_from_a_pasted_trace_points_at_config(repo_builder) -> None:  # type: ignore[no-untyped-def]
    repo = repo_builder("billing")
    repo.commit({"billing/db.py": "import os\n\n\ndef connect():\n    return os.environ['BILLING_DSN']\n"},
                "Read the billing DSN from the environment", "2026-10-01T09:00:00+00:00", "Ivan Petrov")
    trace = ('Traceback (most recent call last):\n  File "/app/billing/db.py", line 5, in connect\n'
             "    return os.environ['BILLING_DSN']\n"
             '  File "/usr/lib/python3.11/os.py", line 679, in __getitem__\n'
             "    raise KeyError(key) from None\nKeyError: 'BILLING_DSN'\n")
    report = analyze_text(trace, OFFLINE, cwd=repo.root)
    assert not report.inconclusive
    assert report.classification.type == "configuration"
    assert "BILLING_DSN" in report.root_cause.statement
    assert report.root_cause.location is not None and report.root_cause.location.file == "billing/db.py"


def test_vague_text_with_quiet_logs_is_inconclusive(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("".join(f"2026-11-27 11:{m:02d}:00 INFO GET /health 200\n" for m in range(30)))
    report = analyze_text("checkout feels slow since 11:05, see app.log", OFFLINE, cwd=tmp_path)
    assert report.inconclusive
    assert report.root_cause.statement.startswith("Inconclusive")
    assert report.immediate_fix.steps == [] and report.runbook  # what to check next, not a guess


def test_log_only_incident_is_recognised(tmp_path: Path) -> None:
    lines = [f"2026-11-27T10:{m:02d}:00Z INFO orders POST /orders 201\n" for m in range(10)]
    lines.append("2026-11-27T10:10:00Z INFO deployed version v5.2.0\n")
    lines += [f"2026-11-27T10:{m:02d}:30Z ERROR orders could not connect to postgres at db.internal:5432: "
              "connection refused\n" for m in range(12, 20)]
    (tmp_path / "orders.log").write_text("".join(lines))
    report = analyze_text("orders failing, see orders.log", OFFLINE, cwd=tmp_path)
    assert report.summary.first_seen is not None and report.summary.first_seen.startswith("2026-11-27T10:12:30")
    assert any("deployed version v5.2.0" in e.excerpt for e in report.evidence)
    assert report.hypotheses and "connection" in (report.hypotheses[0].statement + report.title).lower()


def test_json_report_is_redacted_by_default(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("2026-11-27T10:00:00Z ERROR payment failed: could not connect to "
                   "postgres://billing:S3cr3tPassw0rd@db.internal:5432/billing: connection refused\n")
    report = analyze_text("payments down, see app.log", OFFLINE, cwd=tmp_path)
    dumped = json.dumps(report.model_dump(mode="json"))
    assert "S3cr3tPassw0rd" not in dumped
    unredacted = analyze_text("payments down, see app.log", Settings(engine="offline", redact=False), cwd=tmp_path)
    assert "S3cr3tPassw0rd" in json.dumps(unredacted.model_dump(mode="json"))


@pytest.mark.parametrize("key", ["sk-ant-api03-" + "a" * 40])
def test_unreachable_api_falls_back_to_offline_and_says_so(tmp_path: Path, key: str) -> None:
    unreachable = Settings(api_key=key, base_url="http://127.0.0.1:9", retry_base_s=0, retry_attempts=2)
    report = analyze_text("KeyError: 'X'", unreachable, cwd=tmp_path)
    assert report.engine.name == "offline"
    assert report.engine.fallback_reason and "unreachable" in report.engine.fallback_reason
