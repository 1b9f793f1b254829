"""The Report: the one schema of a fivewhys analysis (DESIGN.md, "Report contract").

Field names are a public contract: add fields freely, never rename or remove one without bumping
``SCHEMA_VERSION``. Field docstrings double as the JSON Schema descriptions that ``fivewhys schema``
prints and that the claude engine's ``submit_report`` tool shows the model.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION: Literal["1"] = "1"

Severity = Literal["critical", "high", "medium", "low"]
ErrorType = Literal["runtime", "logic", "integration", "performance", "configuration", "security"]
Observability = Literal["deterministic", "intermittent", "environmental", "load-dependent"]
EvidenceKind = Literal["stack_frame", "log", "commit", "source", "test_result", "metric", "config"]
HypothesisStatus = Literal["confirmed", "rejected", "open"]


class _Model(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True, extra="forbid")


class Evidence(_Model):
    """One fact a tool found, citable by its id."""

    id: str
    """Stable id within the report: E1, E2, ..."""
    kind: EvidenceKind
    """What sort of fact this is."""
    source: str
    """Where it is: `path:line`, `path:start-end` or `commit:<full sha>`."""
    excerpt: str
    """A short verbatim excerpt (redacted before it leaves the machine)."""
    note: str = ""
    """Why this fact matters to the analysis."""


class Classification(_Model):
    """Severity, type and observability of the failure, as in the seed taxonomy."""

    severity: Severity
    """critical: outage or data loss; high: a main path broken; medium: degraded; low: cosmetic."""
    type: ErrorType
    """The failure's kind."""
    observability: Observability
    """How it shows itself: every time, sometimes, only in one environment, only under load."""
    fingerprint: str
    """A stable hash of exception type, in-app frames and masked message; equal for the same error."""


class Summary(_Model):
    """Section 1, Error Summary."""

    what: str
    """What failed, in one or two sentences."""
    impact: str
    """Who or what is affected, and how badly."""
    first_seen: str | None = None
    """ISO 8601 time of the first occurrence in the evidence, if known."""
    last_seen: str | None = None
    """ISO 8601 time of the last occurrence in the evidence, if known."""
    occurrences: int = 0
    """How many times the error appears in the evidence (0 when only a pasted trace was given)."""


class Location(_Model):
    """A place in the repository."""

    file: str
    """Repository-relative path."""
    line: int | None = None
    """1-based line number."""
    function: str | None = None
    """Function or method name."""


class CommitRef(_Model):
    """A git commit."""

    sha: str
    """Full 40-character SHA."""
    subject: str
    """First line of the commit message."""
    author: str
    """Author name."""
    date: str
    """Author date, ISO 8601."""


class RootCause(_Model):
    """Section 2, Root Cause."""

    statement: str
    """The root cause in one or two sentences; says "inconclusive" when nothing was confirmed."""
    confidence: float = Field(ge=0.0, le=1.0)
    """0..1: how strongly the cited evidence supports the statement."""
    location: Location | None = None
    """Where the defect is (where a fix goes), not merely where it surfaced."""
    surfaced_at: Location | None = None
    """Where the failure surfaced (the crash frame), when it differs from `location`."""
    commit: CommitRef | None = None
    """The change that introduced the defect, when git can show one."""
    five_whys: list[str] = Field(default_factory=list)
    """The chain of whys from symptom to cause, one sentence each."""
    evidence: list[str] = Field(default_factory=list)
    """Ids of the evidence that supports the statement."""


class ImmediateFix(_Model):
    """Section 4, Immediate Fix."""

    summary: str
    """What to change now, in one sentence."""
    steps: list[str] = Field(default_factory=list)
    """Ordered steps."""
    patch: str | None = None
    """A unified diff, when one can be proposed with confidence."""


class MonitoringItem(_Model):
    """One entry of section 7, Monitoring Recommendations."""

    signal: str
    """What to watch."""
    query: str
    """How to find it (a log query, a metric expression)."""
    alert: str
    """When to alert."""


class Suspect(_Model):
    """A ranked place where a fix may go."""

    file: str
    line: int | None = None
    function: str | None = None
    score: float
    """Relative strength of suspicion, 0..1."""
    reason: str
    """One line: why this place is suspected."""


class Hypothesis(_Model):
    """A candidate explanation and where the investigation left it."""

    id: str
    """H1, H2, ..."""
    statement: str
    status: HypothesisStatus
    confidence: float = Field(ge=0.0, le=1.0)
    evidence: list[str] = Field(default_factory=list)
    """Ids of the evidence for (or against) it."""


class EngineInfo(_Model):
    """Which engine wrote the report, and what it cost."""

    name: Literal["offline", "claude"]
    model: str | None = None
    iterations: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    duration_s: float = 0.0
    fallback_reason: str | None = None
    """Why the claude engine handed over to the offline engine, if it did."""


class Report(_Model):
    """A root-cause analysis in eight sections; every claim cites evidence ids."""

    schema_version: Literal["1"] = SCHEMA_VERSION
    title: str
    """One line."""
    inconclusive: bool = False
    """True when no hypothesis was confirmed; the root cause then lists what to check next."""
    classification: Classification
    summary: Summary
    root_cause: RootCause
    evidence: list[Evidence] = Field(default_factory=list)
    immediate_fix: ImmediateFix
    testing_strategy: list[str] = Field(default_factory=list)
    preventive_measures: list[str] = Field(default_factory=list)
    monitoring: list[MonitoringItem] = Field(default_factory=list)
    runbook: list[str] = Field(default_factory=list)
    suspects: list[Suspect] = Field(default_factory=list)
    """Ranked places a fix may go, best first."""
    hypotheses: list[Hypothesis] = Field(default_factory=list)
    engine: EngineInfo
    warnings: list[str] = Field(default_factory=list)
    """Problems met on the way (unreadable files, dropped citations); empty when none."""


def report_json_schema() -> dict[str, object]:
    """The JSON Schema of the Report, as `fivewhys schema` prints it."""
    return Report.model_json_schema()
