"""analyze(): the library entry point every shell calls."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Settings
from .intake import Incident, parse_incident
from .report.citations import CitationContext
from .report.model import Report

if TYPE_CHECKING:
    from .graph.state import RunContext


def analyze(incident: Incident, settings: Settings, progress: Callable[[str], None] | None = None) -> Report:
    """Investigate an incident and return the eight-section report.

    Args:
        incident: What the user handed over (see ``analyze_text`` to build one from free text).
        settings: Engine, budgets, redaction; built once by the shell.
        progress: Called with a short line each time a node or tool starts (for a status line).

    Returns:
        The Report; never None. When nothing is confirmed it is marked inconclusive. When the claude
        engine cannot finish (API unavailable, budget spent) the offline engine writes the report and
        ``engine.fallback_reason`` says why.
    """
    from .errors import EngineError

    say = progress or (lambda _m: None)
    fallback: str | None = None
    spent = None
    if settings.resolved_engine == "claude":
        from .reasoners.claude import ClaudeReasoner

        claude: ClaudeReasoner | None = None
        try:
            claude = ClaudeReasoner(settings)
            report = _run(incident, settings, claude, say)
            return redact_report(report, settings) if settings.redact else report
        except EngineError as exc:
            fallback = f"claude engine stopped: {exc}; the offline engine wrote this report"
            spent = claude.usage if claude is not None else None
            say("falling back to the offline engine")
    report = _run(incident, settings, offline_reasoner(settings), say)
    if fallback:
        engine = report.engine.model_copy(update={"fallback_reason": fallback})
        if spent is not None:
            engine = engine.model_copy(update={"model": settings.model, "input_tokens": spent.total_input,
                                               "output_tokens": spent.output_tokens,
                                               "cost_usd": spent.cost_usd(settings.model)})
        report = report.model_copy(update={"engine": engine})
    return redact_report(report, settings) if settings.redact else report


def _run(incident: Incident, settings: Settings, reasoner: object, progress: Callable[[str], None]) -> Report:
    from .graph.build import build_graph
    from .graph.state import AnalysisState

    graph = build_graph(settings.max_iterations)
    final = graph.invoke(AnalysisState(incident=incident, warnings=list(incident.warnings)),
                         context=run_context(incident, settings, reasoner, progress),
                         config={"recursion_limit": 2 * settings.max_iterations + 12})
    report: Report = final["report"]
    return report


def run_context(incident: Incident, settings: Settings, reasoner: object,
                progress: Callable[[str], None]) -> RunContext:
    """What every node of a run shares: the reasoner, git, the repo index, where citations may point."""
    from .evidence.git import Git
    from .evidence.source import RepoIndex
    from .graph.state import RunContext

    git = Git(incident.repo) if incident.repo else None
    ctx = RunContext(settings=settings, reasoner=reasoner, git=git, progress=progress,  # type: ignore[arg-type]
                     started=time.monotonic())
    if git is not None and incident.repo is not None:
        ctx.extra["repo_index"] = RepoIndex(incident.repo, git.tracked_files())
    ctx.extra["citation_context"] = CitationContext(
        repo=incident.repo, cwd=incident.cwd or Path.cwd(), logs=incident.log_paths, input_text=incident.text, git=git)
    return ctx


def analyze_text(text: str, settings: Settings, *, cwd: Path | None = None, logs: list[Path] | None = None,
                 progress: Callable[[str], None] | None = None) -> Report:
    """Free text (what a slash command passes) in, report out."""
    incident = parse_incident(text, cwd=cwd or Path.cwd(), logs=logs, repo=settings.repo)
    return analyze(incident, settings, progress)


def offline_reasoner(settings: Settings) -> object:
    """The offline engine with the built-in and the user's pattern files."""
    from .reasoners.offline import OfflineReasoner
    from .reasoners.patterns import load_patterns

    return OfflineReasoner(load_patterns(settings.pattern_dirs))


def redact_report(report: Report, settings: Settings | None = None) -> Report:
    """Redact every free-text field of the report (one Redactor, so placeholders are consistent),
    with the user's redaction rules from ``settings`` when given."""
    from .redact import RedactOptions, Redactor

    redactor = Redactor(RedactOptions.from_settings(settings) if settings is not None else None)
    data = _walk(report.model_dump(mode="json"), redactor.redact)
    return Report.model_validate(data)


def _walk(value: object, fn: Callable[[str], str]) -> object:
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, list):
        return [_walk(v, fn) for v in value]
    if isinstance(value, dict):
        return {k: (v if k in _KEEP else _walk(v, fn)) for k, v in value.items()}
    return value


_KEEP = {"schema_version", "id", "sha", "source", "file", "fingerprint", "severity", "type", "observability",
         "status", "name", "model", "date", "first_seen", "last_seen"}
