"""investigate node: run the pending checks of every open hypothesis and add what they find."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from ..state import AnalysisState, RunContext


def investigate(state: AnalysisState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """Checks become evidence; the round counter moves on."""
    ctx = runtime.context
    result = ctx.reasoner.investigate(state, ctx)
    return {
        "hypotheses": result.hypotheses,
        "evidence": result.evidence,
        "new_evidence": result.added,
        "iteration": state.iteration + 1,
        **result.facts_update,
    }
