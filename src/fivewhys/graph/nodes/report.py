"""report node: the reasoner writes the Report; citations are checked before anyone sees it."""

from __future__ import annotations

import os
import time
from typing import Any

from langgraph.runtime import Runtime

from ...report.citations import validate_citations
from ...report.model import Report
from ..state import AnalysisState, RunContext


def report(state: AnalysisState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """Write, validate, and stamp the engine's figures."""
    ctx = runtime.context
    ctx.progress("report: writing the eight sections")
    written = _relative_sources(ctx.reasoner.write_report(state, ctx), ctx)
    checked = validate_citations(written, ctx.extra.get("citation_context"))
    engine = checked.engine.model_copy(update={
        "iterations": max(checked.engine.iterations, state.iteration),
        "duration_s": round(time.monotonic() - ctx.started, 3),
    })
    return {"report": checked.model_copy(update={"engine": engine})}


def _relative_sources(report: Report, ctx: RunContext) -> Report:
    """Log paths under the working folder are cited relative to it (readable, and machine-independent)."""
    cite = ctx.extra.get("citation_context")
    if cite is None:
        return report
    prefix = str(cite.cwd.resolve()) + os.sep
    items = [e.model_copy(update={"source": e.source[len(prefix):]}) if e.source.startswith(prefix) else e
             for e in report.evidence]
    return report.model_copy(update={"evidence": items})
