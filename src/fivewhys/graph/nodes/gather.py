"""gather node: the cheap, always-useful evidence — log occurrences and cascade, deploys, git suspects."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from langgraph.runtime import Runtime

from ...evidence import logs
from ...evidence.git import Git
from ...intake import as_utc
from ...evidence.logs.model import LogQuery, LogRecord
from ...evidence.suspects import FrameRef, SuspectCommitRank, SuspectQuery, rank_suspects
from ...report.model import CommitRef
from ..state import AnalysisState, EvidenceBook, Facts, RunContext, SuspectCommit
from .extract import innermost_first

CASCADE_LOOKBACK = timedelta(minutes=30)
DEPLOY_LOOKBACK = timedelta(hours=24)
MAX_ERROR_TEMPLATES = 20
CITED_ERROR_TEMPLATES = 3


def gather(state: AnalysisState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """Run log and git tools whose results every hypothesis can use."""
    ctx = runtime.context
    book = EvidenceBook.for_state(state)
    facts = state.facts.model_copy(deep=True)
    warnings = list(state.warnings)
    if state.incident.log_paths:
        ctx.progress("gather: searching logs")
        _gather_logs(state, facts, book, warnings)
    if ctx.git is not None:
        ctx.progress("gather: asking git what changed")
        _gather_git(state, ctx.git, facts, book)
    return {"evidence": book.items, "facts": facts, "warnings": warnings}


def aware(ts: datetime | None) -> datetime | None:
    """Times without a zone are UTC — the same rule as intake and the log readers — so they compare
    with git's."""
    return as_utc(ts) if ts is not None else None


def _gather_logs(state: AnalysisState, facts: Facts, book: EvidenceBook, warnings: list[str]) -> None:
    inc = state.incident
    paths = inc.log_paths
    needle = _needle(facts)
    if needle:
        found = logs.search(paths, LogQuery(pattern=needle, since=inc.since, until=inc.until, max_matches=1000))
        warnings.extend(found.warnings)
        hits = [m.record for m in found.matches]
        facts.occurrences = found.total_matches
        if hits:
            first = hits[0]
            facts.first_seen, facts.last_seen = first.timestamp, hits[-1].timestamp
            facts.first_seen_id = book.add("log", first.source, first.raw,
                                           note=f"first occurrence of the error ({found.total_matches} in all)")
    window_start = _minus(facts.first_seen or inc.since, CASCADE_LOOKBACK)
    stats = logs.stats(paths, since=window_start, until=inc.until)
    warnings.extend(stats.warnings)
    facts.onset = facts.first_seen or inc.since or (stats.first_error.timestamp if stats.first_error else None)
    top = stats.top_error_templates[:MAX_ERROR_TEMPLATES]
    facts.error_lines = [error_text(t.first) for t in top]
    facts.error_line_ids = [book.add("log", t.first.source, t.first.raw, note=f"first of {t.count} records like this")
                            for t in top[:CITED_ERROR_TEMPLATES]]
    if not needle and stats.first_error is not None:
        facts.first_seen = stats.first_error.timestamp
        facts.occurrences = sum(t.count for t in stats.top_error_templates)
    _note_cascade(stats.first_error, facts, book)
    if _SLOW.search(inc.text) or (not needle and stats.first_error is None):
        _note_latency(logs.latency_shift(paths, until=inc.until), facts, book)
    _note_deploy(stats.deploy_markers, facts, book)


_SLOW = re.compile(r"(?i)\b(slow|latenc|sluggish|took|timing out|times? out|timeouts?|p9\d|hang)")
"""An incident about time: look for a latency shift even when nothing errored."""


def _note_latency(shift: logs.LatencyShift | None, facts: Facts, book: EvidenceBook) -> None:
    """Cite the first minute of a latency shift; with no error to date the incident, it does."""
    if shift is None:
        return
    window = f"{shift.start:%H:%M}-{shift.end:%H:%M}" if shift.end != shift.start else f"{shift.start:%H:%M}"
    facts.slowdown = (f"`{shift.label}` took {_ms(shift.window_ms)} (upper quartile) in {window} "
                      f"({shift.slow_minutes} slow minutes), usually {_ms(shift.usual_ms)}")
    eid = facts.slowdown_id = book.add("log", shift.first_slow.source, shift.first_slow.raw,
                                       note=f"latency shift: {facts.slowdown}")
    if facts.first_seen is None:
        facts.first_seen, facts.last_seen, facts.first_seen_id = shift.start, shift.end, eid
    if facts.onset is None:
        facts.onset = shift.start


def _ms(value: float) -> str:
    return f"{value / 1000:.1f} s" if value >= 1000 else f"{value:.0f} ms"


_ERROR_FIELD = re.compile(r"(^|\.)(error|err|exception|reason|cause|detail|failure)(\.(message|msg|type|kind|code))?$")


def error_text(record: LogRecord) -> str:
    """The message plus the record's error fields: JSON logs often say "request failed" in the message
    and put "context deadline exceeded" in error or error.message."""
    extra = [v for k, v in record.fields.items() if _ERROR_FIELD.search(k) and v and v not in record.message]
    return " ".join([record.message, *extra])[:2000]


def _needle(facts: Facts) -> str | None:
    """What to grep the logs for: the message's stable head, else the exception type."""
    if facts.message:
        head = re.split(r"[\"'{\[(<]|\d", facts.message, maxsplit=1)[0].strip()
        if len(head) >= 12:
            return head[:80]
    if facts.exception_type:
        return facts.exception_type.split(".")[-1]
    return None


def _minus(ts: datetime | None, delta: timedelta) -> datetime | None:
    return ts - delta if ts else None


def _note_cascade(first_error: LogRecord | None, facts: Facts, book: EvidenceBook) -> None:
    if first_error is None:
        return
    fe_ts, seen = aware(first_error.timestamp), aware(facts.first_seen)
    if seen is not None and fe_ts is not None and fe_ts >= seen:
        return
    facts.first_error_message = first_error.message
    facts.first_error_id = book.add("log", first_error.source, first_error.raw,
                                    note="first error in the window, before the reported one")
    if facts.onset is None or (fe_ts and aware(facts.onset) and fe_ts < aware(facts.onset)):  # type: ignore[operator]
        facts.onset = first_error.timestamp


DEPLOY_LAG = timedelta(minutes=2)
"""A rollout is often logged when it completes ("6/6 pods ready"), seconds after its first errors."""


def _note_deploy(markers: list[LogRecord], facts: Facts, book: EvidenceBook) -> None:
    onset = aware(facts.onset)
    before = [m for m in markers if m.timestamp is not None
              and (onset is None or aware(m.timestamp) <= onset + DEPLOY_LAG)]  # type: ignore[operator]
    if not before:
        return
    last = before[-1]
    if onset is not None and onset - aware(last.timestamp) > DEPLOY_LOOKBACK:  # type: ignore[operator]
        return
    facts.deploy_text, facts.deploy_at = last.message, last.timestamp
    facts.deploy_id = book.add("log", last.source, last.raw, note="deploy just before the onset")


def _gather_git(state: AnalysisState, git: Git, facts: Facts, book: EvidenceBook) -> None:
    """Rank the commits that may have caused the failure; the top ones become commit evidence."""
    ranked = rank_suspects(git, _suspect_query(state, facts))
    facts.suspects = [_suspect(s) for s in ranked[:10]]
    for s, r in zip(facts.suspects[:3], ranked, strict=False):
        excerpt = f"{s.commit.subject} ({s.commit.author}, {s.commit.date[:10]})"
        if r.evidence:
            excerpt += f"\n{r.evidence[0].source}\n{r.evidence[0].excerpt}"
        s.evidence_id = book.add("commit", f"commit:{s.commit.sha}", excerpt, note=s.reason)


def _suspect_query(state: AnalysisState, facts: Facts) -> SuspectQuery:
    app = [f for f in innermost_first(state.frames, facts.language) if f.repo_path]
    frames = [FrameRef(path=f.repo_path or "", line=f.frame.line, function=f.frame.function) for f in app]
    deploy_at = aware(facts.deploy_at) if facts.deploy_text else None
    return SuspectQuery(frames=frames, onset=aware(facts.onset), deploy_text=facts.deploy_text, deploy_at=deploy_at,
                        keys=_error_keys(" ".join(filter(None, [facts.message, facts.first_error_message]))),
                        language=facts.language)


_QUOTED = re.compile(r"""['"`]([A-Za-z_][\w.-]{2,80})['"`]""")
_CONST = re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b")
_CONFIG_FILE = re.compile(r"[\w./-]+\.(?:toml|ya?ml|json|ini|cfg|conf|env|properties)\b")


def _error_keys(message: str) -> list[str]:
    """Config keys and file names an error names: ``'BILLING_DSN'``, ``PAYMENT_TIMEOUT``, ``settings.toml``.

    A quoted plain word (``'int'``) or a type name (``'NoneType'``) is not a key; one with ``_ . -``
    or in capitals is.
    """
    quoted = [q for q in _QUOTED.findall(message) if re.search(r"[_.-]", q) or q.isupper()]
    keys = [*_CONFIG_FILE.findall(message), *quoted, *_CONST.findall(message)]
    return list(dict.fromkeys(k.strip(".") for k in keys))[:5]


def _suspect(r: SuspectCommitRank) -> SuspectCommit:
    ref = CommitRef(sha=r.sha, subject=r.subject, author=r.author, date=r.date.isoformat())
    return SuspectCommit(commit=ref, score=r.score, reason=r.reason, files=r.files, signals=r.signals,
                         sources=[e.source for e in r.evidence], release=r.release, merge=r.merge,
                         landed=r.landed.isoformat())
