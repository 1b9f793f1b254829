"""Routing: small pure functions that decide where the graph goes next."""

from __future__ import annotations

from typing import Literal

from .state import AnalysisState


def after_hypothesize(state: AnalysisState, max_iterations: int) -> Literal["investigate", "report"]:
    """Investigate while something is pending, nothing is confirmed, the budget allows and the last
    round found something new."""
    if any(h.status == "confirmed" for h in state.hypotheses):
        return "report"
    if state.iteration >= max_iterations:
        return "report"
    if state.iteration > 0 and state.new_evidence == 0:
        return "report"
    if not any(h.pending for h in state.hypotheses if h.status == "open"):
        return "report"
    return "investigate"
