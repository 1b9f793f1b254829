"""`fivewhys chat` without a TTY: stdin is a script, one command per line, plain answers on stdout."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from helpers import CliResult

Piped = Callable[..., CliResult]


def incident(repo: Path) -> str:
    return (repo / "incident.txt").read_text().strip()


def test_a_script_of_commands_gets_plain_answers(example_repo: Path, piped: Piped) -> None:
    script = "\n".join(["/frames", "/hypotheses", "/why", "/why", "/evidence E1", "/blame", "/commit",
                        "/logs NoneType --since 11:38", "/suspcts", "/cost", "/report json report.json"]) + "\n"
    res = piped(["--offline", incident(example_repo)], script, example_repo)
    out = res.stdout
    assert res.code == 0, res.stderr
    assert "\x1b[" not in out  # plain: no colours, no cursor moves
    head = out.split("> /frames")[0]
    assert "TypeError: unsupported operand type(s) for *: 'NoneType' and 'int' in total" in head
    assert "Fix goes in: app/pricing.py:18 (get_price)" in head
    assert "Introduced by: f281190fdf Return None for SKUs missing from the price cache" in head
    assert "#1  app  app/cart.py:11 in total" in out
    assert re.search(r"H1\s+confirmed", out)
    assert "Why 1 of 5: Why did the request fail?" in out and "Why 2 of 5: Why was TypeError raised?" in out
    assert "E1 · stack_frame · app/cart.py:11" in out
    assert "git blame -L16,20 app/pricing.py" in out and "return None" in out
    assert "git show f281190fdf" in out and "+        return None" in out
    assert "matching records" in out and "11:38:" in out and "11:27:07" not in out.split("> /logs")[1]
    assert "unknown command /suspcts; did you mean /suspects?" in out
    assert "engine offline: no API calls" in out
    saved = json.loads((example_repo / "report.json").read_text())
    assert saved["root_cause"]["location"]["function"] == "get_price"
    assert "fivewhys: done: report" in res.stderr  # progress on stderr, answers on stdout
    assert out.rstrip().endswith("continues it")  # end of input leaves, saying how to come back


def test_offline_free_text_runs_the_nearest_command_or_becomes_evidence(example_repo: Path, piped: Piped) -> None:
    extra = example_repo / "logs" / "db.log"
    extra.write_text("2026-11-27T11:26:50Z WARN pricing cache warm-up skipped: catalog timeout\n")
    script = ("who changed app/cart.py:11?\nwhat happened right before?\n"
              "also see logs/db.log, the cache warm-up was skipped\n/logs warm-up\n")
    out = piped(["--offline", incident(example_repo)], script, example_repo).stdout
    assert "(offline: read as /blame app/cart.py:11)" in out and "git blame -L9,13 app/cart.py" in out
    assert "(offline: read as /timeline)" in out and "deploy before the onset" in out
    assert "(offline: no command matches, so this is new evidence; re-ran the analysis with it)" in out
    assert "Root cause unchanged" in out
    assert "logs/db.log:1" in out.split("> /logs warm-up")[1]  # the named file joined the incident


def test_redact_off_asks_first(example_repo: Path, piped: Piped) -> None:
    script = "/redact off\nn\n/redact\n/redact off\ny\n/redact\n"
    out = piped(["--offline", incident(example_repo)], script, example_repo).stdout
    assert out.count("Show secrets and personal data unredacted") == 2
    assert "redaction stays on" in out
    assert out.index("redaction is on") < out.index("redaction off: secrets are shown") < out.index("redaction is off")


def test_resume_shows_the_same_evidence_and_hypotheses(example_repo: Path, piped: Piped) -> None:
    first = piped(["--offline", incident(example_repo)], "/logs SKU-3310\n/evidence\n/hypotheses\n/quit\n",
                  example_repo).stdout
    sid = re.search(r"session (\S+)\n", first)
    assert sid is not None
    listing = piped(["--list"], "", example_repo).stdout
    assert sid.group(1) in listing and "TypeError" in listing
    again = piped(["--resume"], "/evidence\n/hypotheses\n/quit\n", example_repo).stdout
    assert f"resumed session {sid.group(1)}" in again

    def section(text: str, command: str) -> str:
        return text.split(f"> {command}\n")[1].split("\n> ")[0]

    assert section(again, "/evidence") == section(first, "/evidence")  # includes what /logs added
    assert "matches 'SKU-3310'" in section(again, "/evidence")
    assert section(again, "/hypotheses") == section(first, "/hypotheses")


def test_bad_input_is_one_line_and_exit_2(example_repo: Path, piped: Piped) -> None:
    empty = piped(["--offline"], "", example_repo)
    assert empty.code == 2 and empty.stderr.strip().startswith("fivewhys: nothing to analyze")
    missing = piped(["--resume", "nope"], "", example_repo)
    assert missing.code == 2 and "no chat session 'nope'" in missing.stderr
    assert "Traceback" not in empty.stderr + missing.stderr
    assert piped(["--list"], "", example_repo).stdout.startswith("no chat sessions")


def test_help_does_not_import_the_heavy_modules() -> None:
    code = ("import sys; from fivewhys.chat.__main__ import main; sys.argv = ['x', '--help']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('anthropic', 'langgraph')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "--resume [ID]" in out and out.rstrip().endswith("[]")
