"""GitHub-flavoured markdown: what a slash command, a PR comment or a file shows. A pure function of Report."""

from __future__ import annotations

from .model import Evidence, Location, Report


def render_markdown(report: Report) -> str:
    """The eight sections, evidence cited by id, details (hypotheses, suspects) at the end."""
    out: list[str] = [f"# {report.title}", ""]
    c = report.classification
    out += [f"**Severity** {c.severity} · **Type** {c.type} · **Observability** {c.observability} · "
            f"**Confidence** {report.root_cause.confidence:.0%} · **Engine** {_engine(report)}", ""]
    if report.inconclusive:
        out += ["> **Inconclusive** — no hypothesis was confirmed by the evidence. "
                "The runbook lists what to check next.", ""]
    out += _section(1, "Error Summary", _summary(report))
    out += _section(2, "Root Cause", _root_cause(report))
    out += _section(3, "Evidence", _evidence(report.evidence))
    out += _section(4, "Immediate Fix", _fix(report))
    out += _section(5, "Testing Strategy", _bullets(report.testing_strategy))
    out += _section(6, "Preventive Measures", _bullets(report.preventive_measures))
    out += _section(7, "Monitoring Recommendations", _monitoring(report))
    out += _section(8, "Runbook", [f"{i}. {step}" for i, step in enumerate(report.runbook, 1)] or ["_None._"])
    out += _details(report)
    return "\n".join(out).rstrip() + "\n"


def _section(n: int, title: str, body: list[str]) -> list[str]:
    return [f"## {n}. {title}", "", *(body or ["_None._"]), ""]


def _engine(report: Report) -> str:
    e = report.engine
    text = e.name + (f" ({e.model})" if e.model else "")
    return text + (" — fallback" if e.fallback_reason else "")


def loc(location: Location | None) -> str:
    if location is None:
        return "unknown"
    where = f"`{location.file}" + (f":{location.line}" if location.line else "") + "`"
    return f"{where} in `{location.function}`" if location.function else where


def _summary(r: Report) -> list[str]:
    s = r.summary
    lines = [f"- **What:** {s.what}", f"- **Impact:** {s.impact}"]
    if s.first_seen:
        lines.append(f"- **First seen:** {s.first_seen} · **Last seen:** {s.last_seen or s.first_seen} · "
                     f"**Occurrences:** {s.occurrences}")
    return lines


def _root_cause(r: Report) -> list[str]:
    rc = r.root_cause
    lines = [rc.statement + _cites(rc.evidence), ""]
    if rc.location:
        lines.append(f"- **Where the fix goes:** {loc(rc.location)}")
    if rc.surfaced_at:
        lines.append(f"- **Where it surfaced:** {loc(rc.surfaced_at)}")
    if rc.commit:
        lines.append(f"- **Introduced by:** `{rc.commit.sha[:10]}` {rc.commit.subject} — {rc.commit.author}, "
                     f"{rc.commit.date[:10]}")
    if rc.five_whys:
        lines += ["", "**Five whys**", ""] + [f"{i}. {w}" for i, w in enumerate(rc.five_whys, 1)]
    return lines


def _cites(ids: list[str]) -> str:
    return f" [{', '.join(ids)}]" if ids else ""


def _evidence(items: list[Evidence]) -> list[str]:
    if not items:
        return ["_No evidence was gathered._"]
    rows = ["| id | kind | source | note |", "|---|---|---|---|"]
    for e in items:
        rows.append(f"| {e.id} | {e.kind} | `{_cell(e.source)}` | {_cell(e.note)} |")
    rows.append("")
    for e in items:
        rows += [f"<details><summary>{e.id} · {_cell(e.source)}</summary>", "", "```", e.excerpt.replace("```", "ʼʼʼ"),
                 "```", "", "</details>"]
    return rows


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _fix(r: Report) -> list[str]:
    lines = [r.immediate_fix.summary, ""] + [f"{i}. {s}" for i, s in enumerate(r.immediate_fix.steps, 1)]
    if r.immediate_fix.patch:
        lines += ["", "```diff", r.immediate_fix.patch.rstrip(), "```"]
    return lines


def _bullets(items: list[str]) -> list[str]:
    return [f"- {i}" for i in items]


def _monitoring(r: Report) -> list[str]:
    if not r.monitoring:
        return []
    rows = ["| signal | query | alert |", "|---|---|---|"]
    rows += [f"| {_cell(m.signal)} | `{_cell(m.query)}` | {_cell(m.alert)} |" for m in r.monitoring]
    return rows


def _details(r: Report) -> list[str]:
    out: list[str] = []
    if r.hypotheses:
        out += ["<details><summary>Hypotheses</summary>", ""]
        out += [f"- **{h.id}** ({h.status}, {h.confidence:.2f}) {h.statement}{_cites(h.evidence)}" for h in r.hypotheses]
        out += ["", "</details>", ""]
    if r.suspects:
        out += ["<details><summary>Suspects (where a fix may go)</summary>", ""]
        out += [f"- {s.score:.2f} `{s.file}:{s.line or '?'}` {s.function or ''} — {s.reason}" for s in r.suspects]
        out += ["", "</details>", ""]
    if r.warnings:
        out += ["<details><summary>Warnings</summary>", ""] + [f"- {w}" for w in r.warnings] + ["", "</details>", ""]
    return out
