"""Terminal rendering with rich: panels, an evidence table, the source around the root-cause line."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from .markdown import loc
from .model import Report

_SEVERITY_STYLE = {"critical": "bold white on red", "high": "bold red", "medium": "yellow", "low": "green"}


def render_terminal(report: Report, console: Console, repo: Path | None = None) -> None:
    """Print the report to a rich console (a real terminal, or a StringIO in tests)."""
    c = report.classification
    head = Text.assemble((report.title, "bold"), "\n",
                         (f" {c.severity.upper()} ", _SEVERITY_STYLE[c.severity]),
                         f"  {c.type} · {c.observability} · confidence {report.root_cause.confidence:.0%}"
                         f" · engine {report.engine.name}")
    console.print(Panel(head, border_style="red" if not report.inconclusive else "yellow"))
    console.print(_panel("1. Error Summary", _lines([report.summary.what, report.summary.impact])))
    console.print(_panel("2. Root Cause", _root_cause(report, repo)))
    console.print(_panel("3. Evidence", _evidence_table(report)))
    fix = [report.immediate_fix.summary] + [f"{i}. {s}" for i, s in enumerate(report.immediate_fix.steps, 1)]
    console.print(_panel("4. Immediate Fix", _lines(fix)))
    console.print(_panel("5. Testing Strategy", _lines([f"• {t}" for t in report.testing_strategy])))
    console.print(_panel("6. Preventive Measures", _lines([f"• {t}" for t in report.preventive_measures])))
    mon = [f"• {m.signal} — {m.query} — alert: {m.alert}" for m in report.monitoring]
    console.print(_panel("7. Monitoring Recommendations", _lines(mon)))
    console.print(_panel("8. Runbook", _lines([f"{i}. {s}" for i, s in enumerate(report.runbook, 1)])))
    for w in report.warnings:
        console.print(f"[yellow]warning:[/] {escape(w)}")


def _panel(title: str, body: RenderableType) -> Panel:
    return Panel(body, title=f"[bold]{title}[/]", title_align="left", border_style="blue")


def _lines(items: list[str]) -> Text:
    return Text("\n".join(items) if items else "None.")


def _root_cause(report: Report, repo: Path | None) -> RenderableType:
    rc = report.root_cause
    parts: list[RenderableType] = [Text(rc.statement + (f"  [{', '.join(rc.evidence)}]" if rc.evidence else ""))]
    if rc.location:
        parts.append(Text(f"Where the fix goes: {loc(rc.location).replace('`', '')}", style="bold"))
    if rc.surfaced_at:
        parts.append(Text(f"Where it surfaced: {loc(rc.surfaced_at).replace('`', '')}"))
    if rc.commit:
        parts.append(Text(f"Introduced by: {rc.commit.sha[:10]} {rc.commit.subject} ({rc.commit.author}, "
                          f"{rc.commit.date[:10]})"))
    code = _source(rc.location, repo)
    if code is not None:
        parts.append(code)
    if rc.five_whys:
        parts.append(Text("\n".join(f"{i}. {w}" for i, w in enumerate(rc.five_whys, 1))))
    return Group(*parts)


def _source(location: object, repo: Path | None) -> Syntax | None:
    from .model import Location

    if not isinstance(location, Location) or repo is None or location.line is None:
        return None
    path = (repo / location.file).resolve()
    if not path.is_relative_to(repo.resolve()) or not path.is_file():
        return None
    try:
        code = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    start = max(1, location.line - 4)
    return Syntax(code, Syntax.guess_lexer(str(path), code), line_numbers=True, line_range=(start, location.line + 3),
                  highlight_lines={location.line}, word_wrap=True)


def _evidence_table(report: Report) -> RenderableType:
    if not report.evidence:
        return Text("No evidence was gathered.")
    table = Table(show_header=True, header_style="bold", expand=True)
    table.add_column("id", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("source", overflow="fold")
    table.add_column("excerpt / note", overflow="fold")
    for e in report.evidence:
        first = e.excerpt.strip().splitlines()[0] if e.excerpt.strip() else ""
        table.add_row(e.id, e.kind, e.source, f"{escape(first[:160])}\n[dim]{escape(e.note)}[/]" if e.note else escape(first[:160]))
    return table
