"""The data of a CI run: test cases as parsed, per-file results, groups, findings and the JSON output.

Test cases are plain slotted dataclasses because a results file can hold 100,000 of them; everything
that reaches the output (``CiReport`` and its parts) is pydantic, so ``--format json`` is the schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["passed", "failed", "error", "skipped"]
FindingKind = Literal[
    "unreadable",
    "hostile",
    "malformed",
    "unknown_format",
    "count_mismatch",
    "repaired",
    "no_results",
    "flaky",
    "raw_log",
]
SCHEMA_VERSION = "1"


@dataclass(slots=True)
class TestCase:
    """One test execution as a results file reports it."""

    name: str
    status: Status
    classname: str = ""
    file: str | None = None
    line: int | None = None
    message: str = ""
    """The failure's one-line message (attribute or first line)."""
    type: str = ""
    """The failure's exception/assertion type when the format gives one."""
    text: str = ""
    """The failure body: stack trace, assertion diff, captured output."""
    duration: float | None = None
    flaky: bool = False
    """Failed at least once, then passed on a rerun (Surefire flakyFailure, retries)."""
    source: str = ""
    """The results file this came from."""
    counted: bool = True
    """False for a failure outside any test (a Go package that failed after its tests passed): it is
    grouped and counted as a failure or error, but not as a test."""

    @property
    def key(self) -> tuple[str, str, str]:
        """Identity used to spot reruns of the same test."""
        return (self.file or "", self.classname, self.name)

    @property
    def full_name(self) -> str:
        return f"{self.classname}.{self.name}" if self.classname else self.name


class _Model(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)


class Counts(_Model):
    """Test counts. ``failed`` are assertion failures, ``errors`` unexpected exceptions/crashes."""

    tests: int = 0
    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0

    def add(self, other: Counts) -> Counts:
        """The sum of two counts."""
        return Counts(**{k: getattr(self, k) + getattr(other, k) for k in Counts.model_fields})

    @classmethod
    def of(cls, cases: list[TestCase]) -> Counts:
        """Count test cases by status."""
        tally = {"passed": 0, "failed": 0, "error": 0, "skipped": 0}
        tests = 0
        for case in cases:
            tally[case.status] += 1
            tests += case.counted
        tally["passed"] -= sum(1 for c in cases if not c.counted and c.status == "passed")
        return cls(tests=tests, passed=tally["passed"], failed=tally["failed"],
                   errors=tally["error"], skipped=tally["skipped"])


class Finding(_Model):
    """Something about the inputs a reader should know: a file that could not be used, counts that
    disagree, a job with no results, a flaky test."""

    kind: FindingKind
    path: str
    message: str
    severity: Literal["error", "warning", "notice"] = "warning"


@dataclass(slots=True)
class FileResult:
    """What one input file yielded."""

    path: str
    format: str
    cases: list[TestCase] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    extra: Counts = field(default_factory=Counts)
    """Counts not tied to a test case (a Go package that failed outside any test, a build error)."""
    header: Counts | None = None
    """The totals the file states about itself, when it states them."""
    counts_override: Counts | None = None
    """Totals chosen by reconciliation when the header knows more than the test cases."""
    log_causes: list[LogCause] = field(default_factory=list)

    def counts(self) -> Counts:
        """This file's totals: the test cases plus extra, or the reconciled header."""
        if self.counts_override is not None:
            return self.counts_override
        return Counts.of(self.cases).add(self.extra)


class LogCause(_Model):
    """The line of a raw CI log that explains why the job failed."""

    path: str
    line: int
    """1-based line in the log."""
    text: str
    kind: str
    """What kind of failure the line shows (compile_error, timeout, python_exception, ...)."""
    context: list[str] = Field(default_factory=list)
    """A few lines around it, for the summary."""


class FrameRef(_Model):
    file: str
    line: int | None = None
    function: str | None = None
    url: str | None = None
    """A link to the line at the commit under test, when GitHub tells us the repository."""


class Group(_Model):
    """Failures that share one cause."""

    id: str
    signature: str
    """Exception type + in-app frames + masked message: equal signatures mean one cause."""
    exception: str | None = None
    message: str
    """A representative message (redacted)."""
    count: int
    tests: list[str]
    """Up to 50 test names (all are counted in ``count``)."""
    sources: list[str]
    """The results files the failures came from."""
    frames: list[FrameRef] = Field(default_factory=list)
    """In-app frames of a representative failure, innermost last."""
    root_cause: str
    """The reasoner's short root cause."""
    pattern: str | None = None
    """Id of the knowledge-base pattern that explained it, if any."""
    evidence: list[str] = Field(default_factory=list)
    """Excerpts the root cause rests on (the failure line, the top in-app frame)."""
    excerpt: str = ""
    """The first lines of a representative failure text."""
    touches_change: bool | None = None
    """True when a frame or test file is in the diff against the base; None without a base."""
    changed_files: list[str] = Field(default_factory=list)
    likely: Literal["regression", "pre-existing-or-flaky", "unknown"] = "unknown"
    flaky: bool = False


class BaseInfo(_Model):
    ref: str | None = None
    merge_base: str | None = None
    changed_files: int = 0
    note: str | None = None


class CiReport(_Model):
    """The ``fivewhys ci --format json`` contract."""

    schema_version: str = SCHEMA_VERSION
    totals: Counts
    groups: list[Group] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    flaky: list[str] = Field(default_factory=list)
    """Tests that failed and then passed within the same results."""
    log_causes: list[LogCause] = Field(default_factory=list)
    inputs: list[InputSummary] = Field(default_factory=list)
    base: BaseInfo | None = None


class InputSummary(_Model):
    path: str
    format: str
    counts: Counts


CiReport.model_rebuild()
