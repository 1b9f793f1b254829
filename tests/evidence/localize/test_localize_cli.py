"""``fivewhys localize``: JSON and table output, bad input, and a light import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import typer
from typer.testing import CliRunner

from fivewhys.evidence.localize_cli import localize_command

TRACE = """java.lang.IllegalArgumentException: bad size
\tat com.google.common.base.Preconditions.checkArgument(Preconditions.java:122)
\tat com.acme.img.Resizer.scale(Resizer.java:40)
\tat com.acme.img.Thumbnails.make(Thumbnails.java:18)
\tat com.acme.img.ThumbnailsFlowTest.makes(ThumbnailsFlowTest.java:9)
"""


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command()(localize_command)
    return app


def test_json_lists_locations_best_first_from_stdin() -> None:
    result = CliRunner().invoke(_app(), ["-", "--format", "json"], input=TRACE)
    assert result.exit_code == 0, result.output
    locations = json.loads(result.stdout)["locations"]
    assert [loc["function"] for loc in locations][:2] == ["scale", "make"]
    assert set(locations[0]) == {"file", "class", "function", "line", "score", "reason"}
    assert locations[0]["class"] == "com.acme.img.Resizer" and locations[0]["file"] == "com/acme/img/Resizer.java"


def test_app_prefix_is_repeatable_and_table_is_readable(tmp_path: Path) -> None:
    path = tmp_path / "trace.txt"
    path.write_text(TRACE, encoding="utf-8")
    args = [str(path), "--app-prefix", "com.acme.img", "--app-prefix", "com.acme.util"]
    result = CliRunner().invoke(_app(), args, terminal_width=120)
    assert result.exit_code == 0, result.output
    assert "Where the fix may go" in result.stdout and "Resizer.scale" in result.stdout


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    binary = tmp_path / "core.bin"
    binary.write_bytes(b"\x7fELF\0\0\0")
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("caf\xe9 crashed".encode("latin-1"))
    for args in ([str(tmp_path / "missing.txt")], [str(binary)], [str(latin1)]):
        result = CliRunner().invoke(_app(), args)
        assert result.exit_code == 2
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_importing_the_command_does_not_load_the_engines() -> None:
    code = ("import sys, fivewhys.evidence.localize_cli, fivewhys.evidence.localize; "
            "print(any(m.split('.')[0] in ('anthropic', 'langgraph') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
