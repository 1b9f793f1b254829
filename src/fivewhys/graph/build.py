"""The graph: intake -> extract -> gather -> hypothesize <-> investigate -> report."""

from __future__ import annotations

from functools import partial
from typing import Any

from langgraph.graph import END, START, StateGraph

from .nodes.extract import extract
from .nodes.gather import gather
from .nodes.hypothesize import hypothesize
from .nodes.intake import intake
from .nodes.investigate import investigate
from .nodes.report import report
from .routing import after_hypothesize
from .state import AnalysisState, RunContext


def build_graph(max_iterations: int) -> Any:
    """Compile the analysis graph; the loop is bounded by max_iterations rounds of investigation."""
    g = StateGraph(AnalysisState, context_schema=RunContext)
    g.add_node("intake", intake)
    g.add_node("extract", extract)
    g.add_node("gather", gather)
    g.add_node("hypothesize", hypothesize)
    g.add_node("investigate", investigate)
    g.add_node("report", report)
    g.add_edge(START, "intake")
    g.add_edge("intake", "extract")
    g.add_edge("extract", "gather")
    g.add_edge("gather", "hypothesize")
    g.add_conditional_edges("hypothesize", partial(after_hypothesize, max_iterations=max_iterations),
                            ["investigate", "report"])
    g.add_edge("investigate", "hypothesize")
    g.add_edge("report", END)
    return g.compile()
