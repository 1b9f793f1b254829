"""The analysis state that flows through the graph, and the run context the nodes share.

Nodes return partial updates (a dict of changed fields). Lists are replaced whole, never merged, so
a node that adds evidence returns the full new list (``EvidenceBook.add`` makes that easy).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from ..evidence.stacktrace.model import Frame, ParsedException, ParsedTrace
from ..intake import Incident
from ..report.model import CommitRef, Evidence, EvidenceKind, Location, Report, Suspect

if TYPE_CHECKING:
    from ..config import Settings
    from ..evidence.git import Git
    from ..reasoners.base import Reasoner


class AppFrame(BaseModel):
    """A frame of the failing trace mapped onto the repository (when it could be)."""

    frame: Frame
    repo_path: str | None = None
    """Repository-relative path; None when the file is not in the repo."""
    in_app: bool = False
    index: int = 0
    """Position in the printed trace."""


class SuspectCommit(BaseModel):
    """A commit that may have caused the failure (see ``evidence.suspects``)."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    commit: CommitRef
    score: float
    reason: str
    files: list[str] = Field(default_factory=list)
    evidence_id: str | None = None
    signals: list[str] = Field(default_factory=list)
    """What implicates it: line, near, function, callee, returns_null, config_key, config_file, release, recent."""
    sources: list[str] = Field(default_factory=list)
    """Where those signals point (``path:line``, ``tag:v1.4.0``)."""
    release: str | None = None
    """The version it shipped in, when a deploy marker mapped onto a release."""
    merge: str | None = None
    """The merge commit that brought it in, when it came from a merged branch."""
    landed: str | None = None
    """When it reached the branch (ISO time)."""


class Facts(BaseModel):
    """Derived facts the reasoners read (each one backed by evidence ids where it came from tools)."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    exception_type: str | None = None
    message: str | None = None
    language: str | None = None
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    occurrences: int = 0
    """Records in the logs that show the error."""
    onset: datetime | None = None
    """When things went wrong: the first error occurrence, else the user's 'since'."""
    first_seen_id: str | None = None
    """Evidence id of the first log record that shows the error."""
    first_error_id: str | None = None
    """Evidence id of the first WARN+ record in the window, when it differs from the headline error."""
    first_error_message: str | None = None
    deploy_id: str | None = None
    """Evidence id of the deploy/version marker just before the onset."""
    deploy_text: str | None = None
    deploy_at: datetime | None = None
    error_lines: list[str] = Field(default_factory=list)
    """WARN+ log messages in the window with their error fields (capped), for log-only pattern matching."""
    error_line_ids: list[str] = Field(default_factory=list)
    """Evidence ids of the records behind error_lines (same order)."""
    suspects: list[SuspectCommit] = Field(default_factory=list)
    crash_location: Location | None = None
    crash_evidence_id: str | None = None
    failure_evidence_id: str | None = None
    """Evidence id of the first failing test case, when test results were given."""
    localized: list[Suspect] = Field(default_factory=list)
    """Places a fix may go, ranked from the trace (evidence/localize), best first."""
    success_records: int = 0
    """Records in the window for the same service/endpoint that did not fail (intermittency)."""
    slowdown: str | None = None
    """A latency shift the logs show, as a sentence (``requests like this took 2.1 s … usually 141 ms``)."""
    slowdown_id: str | None = None
    """Evidence id of the record that cites the slowdown."""


class HypothesisState(BaseModel):
    """A hypothesis as the loop tracks it; becomes a report ``Hypothesis`` at the end."""

    id: str
    statement: str
    status: str = "open"
    confidence: float = 0.0
    evidence: list[str] = Field(default_factory=list)
    pattern_id: str | None = None
    values: dict[str, str] = Field(default_factory=dict)
    """Placeholder values gathered for this hypothesis (file, function, origin_function, key ...)."""
    pending: list[str] = Field(default_factory=list)
    """Check names still to run."""
    done: list[str] = Field(default_factory=list)
    location: Location | None = None
    commit: CommitRef | None = None


class AnalysisState(BaseModel):
    """Everything the analysis knows so far."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    incident: Incident
    traces: list[ParsedTrace] = Field(default_factory=list)
    exception: ParsedException | None = None
    """The exception to explain (the innermost cause of the headline trace)."""
    frames: list[AppFrame] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    facts: Facts = Field(default_factory=Facts)
    hypotheses: list[HypothesisState] = Field(default_factory=list)
    iteration: int = 0
    new_evidence: int = 0
    """Evidence items the last investigate round added (0 ends the loop)."""
    report: Report | None = None
    warnings: list[str] = Field(default_factory=list)


@dataclass
class RunContext:
    """What every node may use; not part of the state (not serialised, not checkpointed)."""

    settings: Settings
    reasoner: Reasoner
    git: Git | None = None
    progress: Callable[[str], None] = lambda _msg: None
    started: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


class EvidenceBook:
    """Adds evidence with stable ids, dropping exact repeats (same kind and source)."""

    def __init__(self, items: list[Evidence], base: Path | None = None) -> None:
        self.items = list(items)
        self._by_key = {(e.kind, e.source): e.id for e in self.items}
        self.added = 0
        self._prefix = str(base) + os.sep if base is not None else None

    @classmethod
    def for_state(cls, state: AnalysisState) -> EvidenceBook:
        """A book over the state's evidence that cites files under the user's folder relative to it."""
        return cls(state.evidence, state.incident.cwd)

    def add(self, kind: EvidenceKind, source: str, excerpt: str, note: str = "") -> str:
        if self._prefix and source.startswith(self._prefix):
            source = source[len(self._prefix):]  # readable, and the same on every machine
        key = (kind, source)
        if key in self._by_key:
            return self._by_key[key]
        eid = f"E{len(self.items) + 1}"
        self.items.append(Evidence(id=eid, kind=kind, source=source, excerpt=_clip(excerpt), note=note))
        self._by_key[key] = eid
        self.added += 1
        return eid


def _clip(text: str, limit: int = 600) -> str:
    text = text.rstrip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
