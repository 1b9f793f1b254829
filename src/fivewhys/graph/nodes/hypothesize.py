"""hypothesize node: the reasoner proposes or re-scores hypotheses (and their checks)."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from ..state import AnalysisState, RunContext


def hypothesize(state: AnalysisState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """One reasoning step; routing decides whether to investigate again or write the report."""
    ctx = runtime.context
    ctx.progress(f"hypothesize: round {state.iteration + 1}")
    return {"hypotheses": ctx.reasoner.hypothesize(state, ctx)}
