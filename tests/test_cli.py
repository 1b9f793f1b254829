"""The command line as a user meets it: exit codes, one-line errors, stdout/stderr, formats."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import jsonschema
import pytest

from helpers import ROOT, run_cli

PY_TRACE = """Traceback (most recent call last):
  File "/srv/checkout/app/server.py", line 13, in handle_checkout
    amount = cart.total(items)
  File "/srv/checkout/app/cart.py", line 11, in total
    subtotal += price * item["qty"]
TypeError: unsupported operand type(s) for *: 'NoneType' and 'int'
"""


def test_help_does_not_import_anthropic_or_langgraph(tmp_path: Path) -> None:
    code = ("import sys, fivewhys.cli as c\n"
            "try:\n    c.app(['--help'], prog_name='fivewhys')\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('anthropic', 'langgraph')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True)
    assert "analyze" in out.stdout
    assert out.stdout.strip().endswith("[]")


def test_version(tmp_path: Path) -> None:
    res = run_cli(["--version"], tmp_path)
    assert res.code == 0 and res.stdout.startswith("fivewhys 0.")


def test_json_report_of_a_pasted_trace_has_every_contract_field_and_matches_schema(example_repo: Path) -> None:
    res = run_cli(["analyze", "--offline", "--format", "json", PY_TRACE], example_repo)
    assert res.code == 0, res.stderr
    report = json.loads(res.stdout)
    for key in ["schema_version", "title", "classification", "summary", "root_cause", "evidence", "immediate_fix",
                "testing_strategy", "preventive_measures", "monitoring", "runbook", "suspects", "hypotheses", "engine"]:
        assert key in report
    assert report["schema_version"] == "1"
    assert report["root_cause"]["location"]["file"] == "app/pricing.py"
    schema = json.loads(run_cli(["schema"], example_repo).stdout)
    jsonschema.validate(report, schema)


def test_stdin_is_appended_to_the_words(example_repo: Path) -> None:
    res = run_cli(["analyze", "--format", "json", "this broke after the deploy:"], example_repo,
                  stdin=PY_TRACE.encode())
    assert res.code == 0, res.stderr
    report = json.loads(res.stdout)
    assert report["root_cause"]["surfaced_at"]["function"] == "total"


def test_default_format_off_a_tty_is_markdown_and_progress_stays_off_stdout(example_repo: Path) -> None:
    res = run_cli(["analyze", PY_TRACE], example_repo)
    assert res.code == 0
    assert res.stdout.startswith("# ")
    for n, title in enumerate(["Error Summary", "Root Cause", "Evidence", "Immediate Fix", "Testing Strategy",
                               "Preventive Measures", "Monitoring Recommendations", "Runbook"], 1):
        assert f"## {n}. {title}" in res.stdout


def test_output_file_is_written_whole(example_repo: Path) -> None:
    out = example_repo / "report.md"
    res = run_cli(["analyze", "-o", str(out), PY_TRACE], example_repo)
    assert res.code == 0 and res.stdout == ""
    assert out.read_text().startswith("# ") and "## 8. Runbook" in out.read_text()
    assert not list(example_repo.glob(".report.md.tmp*"))


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["analyze"], b"", "nothing to analyze"),
        (["analyze", "   "], b"", "nothing to analyze"),
        (["analyze", "-"], b"\x00\x01\x02binary\x00", "binary"),
        (["analyze", "-"], "caf\u00e9 crashed".encode("latin-1"), "not UTF-8"),
        (["analyze", "see", "logs/missing.log"], b"", "no such file"),
        (["analyze", "--log", "nope.jsonl", "it broke"], b"", "no such file"),
        (["analyze", "--since", "yesterday-ish", "it broke"], b"", "--since"),
        (["analyze", "--repo", "/definitely/not/here", "it broke"], b"", "--repo"),
        (["analyze", "errors between 2026-11-27T12:00:00Z and 2026-11-27T11:00:00Z"], b"", "before it starts"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path: Path, args: list[str], stdin: bytes, message: str) -> None:
    res = run_cli(args, tmp_path, stdin=stdin)
    assert res.code == 2, (res.stdout, res.stderr)
    assert res.stdout == ""
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in res.stderr


def test_binary_log_file_exits_2(tmp_path: Path) -> None:
    (tmp_path / "app.log").write_bytes(b"\x7fELF\x00\x00\x00binary")
    res = run_cli(["analyze", "--log", "app.log", "it broke"], tmp_path)
    assert res.code == 2 and "binary" in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_usage_error_exits_2(tmp_path: Path) -> None:
    res = run_cli(["analyze", "--format", "yaml", "x"], tmp_path)
    assert res.code == 2


def test_frames_json_uses_the_corpus_schema(tmp_path: Path) -> None:
    res = run_cli(["frames", "-", "--format", "json"], tmp_path, stdin=PY_TRACE.encode())
    assert res.code == 0, res.stderr
    data = json.loads(res.stdout)
    exc = data["exceptions"][0]
    assert exc["type"] == "TypeError"
    assert [(f["file"], f["line"], f["function"]) for f in exc["frames"]] == [
        ("/srv/checkout/app/server.py", 13, "handle_checkout"), ("/srv/checkout/app/cart.py", 11, "total")]


def test_make_demo_command_is_what_the_readme_says() -> None:
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make demo" in readme and "make test" in readme
    assert "make test" in ci


def test_text_with_a_stray_control_byte_is_data_not_binary(tmp_path: Path) -> None:
    trace = "    at Object.asdf ][)( \x00\x01\x02\x03\x1b[44;37m foo (__dirname/gen.js:420:69)\n"
    res = run_cli(["frames", "-", "--format", "json"], tmp_path, stdin=trace.encode())
    assert res.code == 0, res.stderr
    assert json.loads(res.stdout)["exceptions"][0]["frames"][0]["line"] == 420


def test_window_mixing_zoned_and_unzoned_times_is_analysed(example_repo: Path) -> None:
    res = run_cli(["analyze", "--format", "json", "checkout 500 since 2026-11-27T11:20:00Z until 2026-11-27 11:45, "
                   "see logs/checkout.jsonl"], example_repo)
    assert res.code == 0, res.stderr
    assert json.loads(res.stdout)["summary"]["occurrences"] == 26


def test_an_idle_inherited_stdin_pipe_does_not_hang_a_log_only_analysis(example_repo: Path) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if k != "ANTHROPIC_API_KEY"}
    with subprocess.Popen([sys.executable, "-m", "fivewhys", "analyze", "--offline", "--format", "json",
                           "--log", "logs/checkout.jsonl"], cwd=example_repo, stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env) as proc:
        assert proc.stdout is not None
        guard = threading.Timer(60, proc.kill)  # a hang fails the test instead of stalling the suite
        guard.start()
        try:
            out = proc.stdout.read()  # stdin stays open and idle the whole time, as under a CI runner
        finally:
            guard.cancel()
        assert proc.wait(timeout=5) == 0
    assert json.loads(out)["summary"]["occurrences"] == 26


def test_no_redact_warns_on_stderr_in_one_line(example_repo: Path) -> None:
    res = run_cli(["analyze", "--no-redact", "--format", "json", PY_TRACE], example_repo)
    assert res.code == 0, res.stderr
    warnings = [line for line in res.stderr.splitlines() if "--no-redact" in line]
    assert warnings == ["fivewhys: warning: --no-redact: the report keeps secrets and personal data "
                        "(what is sent to Claude is still redacted)"]
    assert json.loads(res.stdout)["title"]
    assert "--no-redact" not in run_cli(["analyze", "--format", "json", PY_TRACE], example_repo).stderr
