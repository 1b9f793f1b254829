"""The markdown summary for ``$GITHUB_STEP_SUMMARY``: never over 1 MiB, filled by priority.

Blocks go in order — headline, the groups table (largest first), findings, then each group's
detail — and each is kept only while it fits the budget; what did not fit is counted in a closing
line that says what was cut. Every text from the inputs passes the redactor first.
"""

from __future__ import annotations

from collections.abc import Callable

from .model import CiReport, Group

LIMIT = 1024 * 1024
RESERVE = 4096
"""Room kept for the "what was cut" note."""
Links = Callable[[str, int | None], str | None]
Redact = Callable[[str], str]


def render(report: CiReport, redact: Callable[[str], str], link: Links | None = None,
           limit: int = LIMIT) -> str:
    """The summary markdown, at most ``limit`` bytes (UTF-8)."""
    out: list[str] = []
    used = 0
    cut: dict[str, int] = {}
    for section, block in _blocks(report, redact, link):
        size = len(block.encode("utf-8")) + 1
        if used + size > limit - RESERVE:
            cut[section] = cut.get(section, 0) + 1
            continue
        out.append(block)
        used += size
    if cut:
        what = ", ".join(f"{n} {name}" for name, n in cut.items())
        out.append(f"\n> **Cut to stay under GitHub's 1 MiB summary limit:** {what}. "
                   "Run `fivewhys ci --format json` for everything.\n")
    return "\n".join(out)


def _blocks(report: CiReport, redact: Callable[[str], str], link: Links | None):  # type: ignore[no-untyped-def]
    yield "headline", _headline(report)
    if report.groups:
        yield "headline", "| # | tests | cause | where | change |\n|---:|---:|---|---|---|"
        for n, group in enumerate(report.groups, 1):
            yield "group rows", _row(n, group, redact)
    for cause in report.log_causes:
        yield "log causes", (f"\n**Job log `{_code(cause.path)}` line {cause.line}** ({cause.kind}):\n\n"
                             + _fence("\n".join(redact(c) for c in cause.context)))
    if report.findings:
        yield "findings", "\n### Findings\n"
        for f in report.findings:
            yield "findings", f"- **{f.kind}** `{_code(f.path)}`: {_cell(redact(f.message))}"
    if report.flaky:
        yield "flaky tests", "\n### Flaky (failed, then passed on a rerun)\n\n" + "\n".join(
            f"- `{_code(redact(name))}`" for name in report.flaky[:100])
    for n, group in enumerate(report.groups, 1):
        yield "group details", _detail(n, group, redact, link)


def _headline(report: CiReport) -> str:
    t = report.totals
    red = t.failed + t.errors
    verdict = (f"{red} failing test(s) from {len(report.groups)} cause(s)" if red
               else "no failing tests" if not report.log_causes else "the job failed before writing results")
    base = ""
    if report.base and report.base.merge_base:
        base = f" Compared with `{report.base.ref}` (merge base `{report.base.merge_base[:10]}`, " \
               f"{report.base.changed_files} changed file(s))."
    return (f"## fivewhys: {verdict}\n\n{t.tests} tests: {t.passed} passed, {t.failed} failed, "
            f"{t.errors} errors, {t.skipped} skipped.{base}\n")


def _row(n: int, group: Group, redact: Callable[[str], str]) -> str:
    where = f"`{_code(group.frames[0].file)}:{group.frames[0].line or '?'}`" if group.frames else ""
    change = {True: "touches the change", False: "not in the diff", None: ""}[group.touches_change]
    return f"| {n} | {group.count} | {_cell(redact(group.root_cause))[:400]} | {where} | {change} |"


def _detail(n: int, group: Group, redact: Callable[[str], str], link: Links | None) -> str:
    lines = [f"\n<details><summary>#{n} · {group.count} test(s) · {_html(redact(group.exception or 'failure'))}"
             f"</summary>\n", f"**Root cause:** {_cell(redact(group.root_cause))}\n"]
    for frame in group.frames[:3]:
        url = link(frame.file, frame.line) if link else None
        label = f"`{_code(frame.file)}:{frame.line or '?'}` in `{_code(frame.function or '?')}`"
        lines.append(f"- {f'[{label}]({url})' if url else label}")
    if group.changed_files:
        lines.append(f"- changed in this branch: {', '.join(f'`{_code(p)}`' for p in group.changed_files[:10])}")
    lines.append("\nTests: " + ", ".join(f"`{_code(redact(t))}`" for t in group.tests[:20])
                 + (f" and {group.count - 20} more" if group.count > 20 else ""))
    if group.excerpt:
        lines.append("\n" + _fence(redact(group.excerpt)))
    lines.append("</details>")
    return "\n".join(lines)


def _fence(text: str) -> str:
    ticks = "```"
    while ticks in text:
        ticks += "`"
    return f"{ticks}text\n{text[:4000]}\n{ticks}\n"


def _cell(text: str) -> str:
    """Text safe inside a table cell or list item: one line, pipes and HTML escaped."""
    return _html(" ".join(text.split())).replace("|", "\\|")


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _code(text: str) -> str:
    return " ".join(text.split()).replace("`", "'")[:300]
