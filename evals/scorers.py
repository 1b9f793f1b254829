"""Deterministic scorers: a Report against a case's expected facts.

Each scorer returns a ``Score``: ``hit`` True/False, or None when the case states no expectation for
it (shown as "·", not counted). Scorers never look at how the engine got there, only at the report.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from fivewhys.report.model import Evidence, Report

from schema import CitedEvidence, Expected


@dataclass(frozen=True)
class Score:
    """One scorer's verdict on one report."""

    name: str
    hit: bool | None
    detail: str = ""


@dataclass(frozen=True)
class Truth:
    """The expected facts plus what the fixture resolves them to."""

    expected: Expected
    commit_sha: str | None = None
    """Full SHA of the expected culprit commit in the built fixture (None: not resolvable)."""


CITATION_PROBLEM = re.compile(r"dropped|citation removed|cites no valid evidence|unverified")
_NAME_SPLIT = re.compile(r"::|[.#/\\]|->")


def bare_function(name: str | None) -> str:
    """`pkg.Type.method`, `Type::method`, `(*T).M`, `Class#method` -> the last part, lowercased."""
    if not name:
        return ""
    parts = [p for p in _NAME_SPLIT.split(name.strip().rstrip("()")) if p]
    return re.sub(r"[()*\s]", "", parts[-1]).lower() if parts else ""


def location_file(report: Report, truth: Truth) -> Score:
    """The root cause's location names the file the defect is in."""
    want = truth.expected.file
    if want is None:
        return Score("file", None)
    loc = report.root_cause.location
    got = loc.file if loc else None
    return Score("file", got == want, f"got {got}")


def location_function(report: Report, truth: Truth) -> Score:
    """The root cause's location names the function the defect is in (qualifiers ignored)."""
    want = truth.expected.function
    if want is None:
        return Score("function", None)
    loc = report.root_cause.location
    got = loc.function if loc else None
    return Score("function", bare_function(got) == bare_function(want), f"got {got}")


def culprit_commit(report: Report, truth: Truth) -> Score:
    """The root cause's commit is the one that introduced the defect (subject, and SHA when known)."""
    want = truth.expected.commit
    if want is None:
        return Score("commit", None)
    got = report.root_cause.commit
    if got is None:
        return Score("commit", False, "no commit named")
    sha_ok = truth.commit_sha is None or got.sha == truth.commit_sha
    return Score("commit", got.subject == want and sha_ok, f"got {got.subject!r}")


def _classification(field: str) -> Callable[[Report, Truth], Score]:
    def scorer(report: Report, truth: Truth) -> Score:
        want = getattr(truth.expected, field)
        if want is None:
            return Score(field, None)
        got = getattr(report.classification, field)
        return Score(field, got == want, f"got {got}")

    scorer.__doc__ = f"classification.{field} equals the expected {field}."
    return scorer


def keywords(report: Report, truth: Truth) -> Score:
    """Every expected keyword (a case-insensitive regex) is in the root cause statement or its whys."""
    wanted = truth.expected.keywords
    if not wanted:
        return Score("keywords", None)
    rc = report.root_cause
    text = "\n".join([rc.statement, *rc.five_whys])
    missing = [k for k in wanted if not re.search(k, text, re.IGNORECASE)]
    return Score("keywords", not missing, f"missing {missing}" if missing else "")


def sections(report: Report, truth: Truth) -> Score:
    """All eight sections have content."""
    filled = {
        "summary": bool(report.summary.what.strip()),
        "root_cause": bool(report.root_cause.statement.strip()),
        "evidence": bool(report.evidence),
        "immediate_fix": bool(report.immediate_fix.summary.strip()),
        "testing_strategy": bool(report.testing_strategy),
        "preventive_measures": bool(report.preventive_measures),
        "monitoring": bool(report.monitoring),
        "runbook": bool(report.runbook),
    }
    empty = [k for k, ok in filled.items() if not ok]
    return Score("sections", not empty, f"empty {empty}" if empty else "")


def citations(report: Report, truth: Truth) -> Score:
    """The validator dropped nothing, and every id the root cause cites is an evidence item."""
    problems = [w for w in report.warnings if CITATION_PROBLEM.search(w)]
    ids = {e.id for e in report.evidence}
    unknown = [i for i in report.root_cause.evidence if i not in ids]
    bad = problems + [f"unknown id {i}" for i in unknown]
    return Score("citations", not bad, "; ".join(bad)[:200])


def _matches(ev: Evidence, want: CitedEvidence) -> bool:
    return (ev.kind == want.kind and re.search(want.source, ev.source) is not None
            and re.search(want.excerpt, ev.excerpt, re.IGNORECASE) is not None)


def cited_evidence(report: Report, truth: Truth) -> Score:
    """For each expected piece of evidence, the root cause cites an item of that kind and source."""
    wanted = truth.expected.evidence
    if not wanted:
        return Score("evidence", None)
    by_id = {e.id: e for e in report.evidence}
    cited = [by_id[i] for i in report.root_cause.evidence if i in by_id]
    missing = [f"{w.kind}~{w.source or w.excerpt}" for w in wanted if not any(_matches(e, w) for e in cited)]
    return Score("evidence", not missing, f"not cited {missing}" if missing else "")


def verdict(report: Report, truth: Truth) -> Score:
    """Inconclusive exactly when the case expects "not enough evidence"."""
    want = truth.expected.inconclusive
    return Score("verdict", report.inconclusive == want,
                 f"inconclusive={report.inconclusive}, expected {want}")


SCORERS: list[Callable[[Report, Truth], Score]] = [
    location_file, location_function, culprit_commit, _classification("type"), _classification("severity"),
    _classification("observability"), keywords, cited_evidence, sections, citations, verdict,
]
NAMES = ["file", "function", "commit", "type", "severity", "observability", "keywords", "evidence",
         "sections", "citations", "verdict"]


def score_report(report: Report, truth: Truth) -> list[Score]:
    """Every scorer's verdict, in ``NAMES`` order."""
    return [scorer(report, truth) for scorer in SCORERS]


def engine_ok(report: Report, engine: str) -> Score:
    """The report was written by the engine asked for, with no fallback (a replay that failed falls back)."""
    info = report.engine
    ok = info.name == engine and info.fallback_reason is None
    return Score("engine", ok, info.fallback_reason or f"engine {info.name}")
