"""Renderers are pure functions of the Report: render to a string and assert what a reader sees."""

from __future__ import annotations

import io
import json
from pathlib import Path

from rich.console import Console

from fivewhys.report.markdown import render_markdown
from fivewhys.report.model import Report
from fivewhys.report.terminal import render_terminal
from helpers import sample_report as sample

SECTIONS = ["Error Summary", "Root Cause", "Evidence", "Immediate Fix", "Testing Strategy",
            "Preventive Measures", "Monitoring Recommendations", "Runbook"]


def test_markdown_has_the_eight_sections_in_order_with_citations() -> None:
    md = render_markdown(sample())
    positions = [md.index(f"## {n}. {title}") for n, title in enumerate(SECTIONS, 1)]
    assert positions == sorted(positions)
    assert "get_price returns None for uncached SKUs. [E1, E2]" in md
    assert "`app/pricing.py:18` in `get_price`" in md
    assert "`ffffffffff` Return None for SKUs missing from the price cache" in md
    assert "| E1 | stack_frame | `app/cart.py:11` | crash frame |" in md
    assert "subtotal += price \\| qty" not in md.split("| id |")[0]  # excerpt only in details
    assert "```diff" in md and "1. Roll back v1.4.0." in md
    assert "Inconclusive" not in md


def test_markdown_marks_an_inconclusive_report() -> None:
    md = render_markdown(sample(inconclusive=True))
    assert "> **Inconclusive**" in md


def test_terminal_shows_sections_source_and_escapes_log_markup(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    code = "\n".join(f"line{n}" for n in range(1, 17)) + "\n    return None  # uncached\n" + "tail\n" * 3
    (tmp_path / "app" / "pricing.py").write_text(code)
    buf = io.StringIO()
    render_terminal(sample(), Console(file=buf, width=100, color_system=None), repo=tmp_path)
    out = buf.getvalue()
    for n, title in enumerate(SECTIONS, 1):
        assert f"{n}. {title}" in out
    assert "return None  # uncached" in out  # syntax-highlighted source around the root-cause line
    assert "[bold]not markup[/bold]" in out  # log text is data, not rich markup
    assert "Where the fix goes: app/pricing.py:18 in get_price" in out


def test_json_round_trips_through_the_model() -> None:
    report = sample()
    data = json.loads(report.model_dump_json())
    assert Report.model_validate(data) == report
    assert data["schema_version"] == "1"
