"""The Reasoner protocol: what the hypothesize, investigate and report nodes ask of an engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..graph.state import AnalysisState, HypothesisState, RunContext
    from ..report.model import Evidence, Report


@dataclass
class Investigation:
    """What one investigate round produced."""

    hypotheses: list[HypothesisState]
    evidence: list[Evidence]
    added: int
    facts_update: dict[str, object] = field(default_factory=dict)


class Reasoner(Protocol):
    """An engine: offline rules or Claude. Both see the same state and produce the same Report."""

    name: str

    def hypothesize(self, state: AnalysisState, ctx: RunContext) -> list[HypothesisState]:
        """Propose or re-score hypotheses; set each one's pending checks; confirm or reject."""
        ...

    def investigate(self, state: AnalysisState, ctx: RunContext) -> Investigation:
        """Run the pending checks and return the evidence they found."""
        ...

    def write_report(self, state: AnalysisState, ctx: RunContext) -> Report:
        """The eight-section report from the confirmed (or best) hypothesis."""
        ...
