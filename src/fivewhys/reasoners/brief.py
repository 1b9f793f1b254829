"""The first message to the model: the deterministic evidence in a compact form, under a fixed size.

However large the logs are, the brief holds templates and stats rather than raw lines, the top
frames and suspects, and at most ``MAX_EVIDENCE_LINES`` evidence items, each cut to one short line;
the whole text is capped at ``MAX_BRIEF_CHARS`` (about 8k tokens).
"""

from __future__ import annotations

from .. import prompting
from ..graph.nodes.extract import innermost_first
from ..graph.state import AnalysisState

MAX_BRIEF_CHARS = 32_000
MAX_EVIDENCE_LINES = 40
MAX_FRAMES = 15


def incident_brief(state: AnalysisState, max_iterations: int) -> str:
    """Render prompts/incident.md from the state."""
    text = prompting.render(
        "incident",
        description=state.incident.description or "(no description; see the error below)",
        exception=_exception(state),
        frames=_frames(state),
        logs=_logs(state),
        suspects=_suspects(state),
        evidence=_evidence(state),
        budget=f"At most {max_iterations} rounds of tool calls; the last round must submit the report.",
    )
    return text if len(text) <= MAX_BRIEF_CHARS else text[: MAX_BRIEF_CHARS - 40] + "\n… (brief cut to its budget)"


def _one_line(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _exception(state: AnalysisState) -> str:
    f = state.facts
    if not f.exception_type and not f.message:
        return "No stack trace was found." + (f" First error in the logs: {_one_line(f.first_error_message)}"
                                               if f.first_error_message else "")
    return _one_line(f"{f.exception_type or 'error'}: {f.message or ''}", 500)


def _frames(state: AnalysisState) -> str:
    rows = []
    for af in innermost_first(state.frames, state.facts.language)[:MAX_FRAMES]:
        fr = af.frame
        where = f"repo:{af.repo_path}" if af.repo_path else (fr.file or "?")
        tag = "app" if af.in_app else "lib"
        rows.append(f"- [{tag}] {fr.function or '?'} at {where}:{fr.line or '?'}"
                    + (f" — `{_one_line(fr.source_line, 120)}`" if fr.source_line else ""))
    return "\n".join(rows) or "(none)"


def _logs(state: AnalysisState) -> str:
    f, inc = state.facts, state.incident
    if not inc.log_paths:
        return "(no logs were given)"
    lines = [f"files: {', '.join(p.name for p in inc.log_paths[:10])}",
             f"error occurrences: {f.occurrences}; first seen {f.first_seen}; last seen {f.last_seen}"]
    if f.deploy_text:
        lines.append(f"deploy before the onset: {f.deploy_at} {_one_line(f.deploy_text)}")
    if f.first_error_message:
        lines.append(f"first error in the window (before the reported one): {_one_line(f.first_error_message)}")
    lines += [f"- WARN+ template: {_one_line(m, 160)}" for m in f.error_lines[:10]]
    return "\n".join(lines)


def _suspects(state: AnalysisState) -> str:
    rows = [f"- {s.commit.sha[:10]} {s.commit.date[:10]} {s.commit.author}: {_one_line(s.commit.subject, 100)} "
            f"(score {s.score:.2f}; {_one_line(s.reason, 120)})" for s in state.facts.suspects[:5]]
    return "\n".join(rows) or "(no repository, or nothing changed on the failing path)"


def _evidence(state: AnalysisState) -> str:
    rows = [f"- {e.id} [{e.kind}] {e.source}: {_one_line(e.excerpt, 160)}" for e in state.evidence[:MAX_EVIDENCE_LINES]]
    if len(state.evidence) > MAX_EVIDENCE_LINES:
        rows.append(f"- … {len(state.evidence) - MAX_EVIDENCE_LINES} more items")
    return "\n".join(rows) or "(none yet)"
