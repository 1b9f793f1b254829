"""report node: the reasoner writes the Report; citations are checked before anyone sees it."""

from __future__ import annotations

import time
from typing import Any

from langgraph.runtime import Runtime

from ...report.citations import validate_citations
from ..state import AnalysisState, RunContext


def report(state: AnalysisState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """Write, validate, and stamp the engine's figures."""
    ctx = runtime.context
    ctx.progress("report: writing the eight sections")
    written = ctx.reasoner.write_report(state, ctx)
    checked = validate_citations(written, ctx.extra.get("citation_context"))
    engine = checked.engine.model_copy(update={
        "iterations": max(checked.engine.iterations, state.iteration),
        "duration_s": round(time.monotonic() - ctx.started, 3),
    })
    return {"report": checked.model_copy(update={"engine": engine})}

