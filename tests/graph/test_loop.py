"""The hypothesize <-> investigate loop is bounded and always ends in a report."""

from __future__ import annotations

from pathlib import Path

import pytest

from fivewhys.config import Settings
from fivewhys.graph.routing import after_hypothesize
from fivewhys.graph.state import AnalysisState, EvidenceBook, HypothesisState, RunContext
from fivewhys.intake import Incident
from fivewhys.reasoners.base import Investigation
from fivewhys.reasoners.offline import OfflineReasoner


class NeverSatisfied:
    """A reasoner that keeps finding new evidence and never confirms: only the budget can stop it."""

    name = "offline"

    def __init__(self) -> None:
        self.rounds = 0
        self.offline = OfflineReasoner()

    def hypothesize(self, state: AnalysisState, ctx: RunContext) -> list[HypothesisState]:
        return [HypothesisState(id="H1", statement="maybe", confidence=0.3, pending=["log_search"])]

    def investigate(self, state: AnalysisState, ctx: RunContext) -> Investigation:
        self.rounds += 1
        book = EvidenceBook(state.evidence)
        book.add("stack_frame", f"input:{self.rounds}", "line")
        return Investigation(hypotheses=state.hypotheses, evidence=book.items, added=book.added)

    def write_report(self, state: AnalysisState, ctx: RunContext):  # type: ignore[no-untyped-def]
        return self.offline.write_report(state, ctx)


@pytest.mark.parametrize("max_iterations", [1, 3, 7])
def test_loop_stops_at_max_iterations_and_reports_inconclusive(tmp_path: Path, max_iterations: int) -> None:
    from fivewhys.graph.build import build_graph

    reasoner = NeverSatisfied()
    text = "\n".join(f"line {n}" for n in range(1, 20))
    ctx = RunContext(settings=Settings(max_iterations=max_iterations), reasoner=reasoner)  # type: ignore[arg-type]
    final = build_graph(max_iterations).invoke(AnalysisState(incident=Incident(text=text)), context=ctx,
                                               config={"recursion_limit": 2 * max_iterations + 12})
    assert reasoner.rounds == max_iterations
    report = final["report"]
    assert report.inconclusive and report.engine.iterations == max_iterations
    assert report.immediate_fix.steps == []


def _state(iteration: int, new: int, hyps: list[HypothesisState]) -> AnalysisState:
    return AnalysisState(incident=Incident(text="x"), iteration=iteration, new_evidence=new, hypotheses=hyps)


def test_routing_rules() -> None:
    pending = HypothesisState(id="H1", statement="s", pending=["log_search"])
    done = HypothesisState(id="H1", statement="s")
    confirmed = HypothesisState(id="H1", statement="s", status="confirmed", pending=["log_search"])
    assert after_hypothesize(_state(0, 0, [pending]), 4) == "investigate"
    assert after_hypothesize(_state(0, 0, [confirmed]), 4) == "report"
    assert after_hypothesize(_state(4, 3, [pending]), 4) == "report"  # budget spent
    assert after_hypothesize(_state(1, 0, [pending]), 4) == "report"  # last round found nothing new
    assert after_hypothesize(_state(1, 2, [done]), 4) == "report"  # nothing left to check
    assert after_hypothesize(_state(0, 0, []), 4) == "report"  # no hypothesis at all
