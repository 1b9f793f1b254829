"""gather node: the cheap, always-useful evidence — log occurrences and cascade, deploys, git suspects."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from langgraph.runtime import Runtime

from ...evidence import logs
from ...evidence.git import Commit, Git
from ...evidence.logs.model import LogQuery, LogRecord
from ...report.model import CommitRef
from ..state import AnalysisState, EvidenceBook, Facts, RunContext, SuspectCommit
from .extract import innermost_first

CASCADE_LOOKBACK = timedelta(minutes=30)
DEPLOY_LOOKBACK = timedelta(hours=24)
MAX_BLAME_FRAMES = 5


def gather(state: AnalysisState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """Run log and git tools whose results every hypothesis can use."""
    ctx = runtime.context
    book = EvidenceBook(state.evidence)
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
    """Naive log times are read as the machine's local time, so they compare with git's."""
    if ts is None:
        return None
    return ts if ts.tzinfo is not None else ts.astimezone()


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
            book.add("log", first.source, first.raw, note=f"first occurrence of the error ({found.total_matches} in all)")
    window_start = _minus(facts.first_seen or inc.since, CASCADE_LOOKBACK)
    stats = logs.stats(paths, since=window_start, until=inc.until)
    warnings.extend(stats.warnings)
    facts.onset = facts.first_seen or inc.since or (stats.first_error.timestamp if stats.first_error else None)
    facts.error_lines = [t.first.message for t in stats.top_error_templates][:20]
    if not needle and stats.first_error is not None:
        facts.first_seen = stats.first_error.timestamp
        facts.occurrences = sum(t.count for t in stats.top_error_templates)
    _note_cascade(stats.first_error, facts, book)
    _note_deploy(stats.deploy_markers, facts, book)


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


def _note_deploy(markers: list[LogRecord], facts: Facts, book: EvidenceBook) -> None:
    onset = aware(facts.onset)
    before = [m for m in markers if m.timestamp is not None and (onset is None or aware(m.timestamp) <= onset)]  # type: ignore[operator]
    if not before:
        return
    last = before[-1]
    if onset is not None and onset - aware(last.timestamp) > DEPLOY_LOOKBACK:  # type: ignore[operator]
        return
    facts.deploy_text, facts.deploy_at = last.message, last.timestamp
    facts.deploy_id = book.add("log", last.source, last.raw, note="deploy just before the onset")


def _gather_git(state: AnalysisState, git: Git, facts: Facts, book: EvidenceBook) -> None:
    scores: dict[str, SuspectCommit] = {}
    onset = aware(facts.onset)
    app = [f for f in innermost_first(state.frames, facts.language) if f.repo_path and f.frame.line]
    for rank, af in enumerate(app[:MAX_BLAME_FRAMES]):
        line = af.frame.line or 1
        for bl in git.blame(af.repo_path or "", max(1, line - 2), line + 2):
            if bl.sha.startswith("0000000"):
                continue
            weight = (0.5 if bl.line == line else 0.25) / (1 + rank)
            _bump(scores, git, bl.sha, weight, f"last changed {af.repo_path}:{bl.line} on the crash path")
    files = list(dict.fromkeys(af.repo_path for af in app if af.repo_path))
    since = onset - timedelta(days=14) if onset else None
    for commit in git.log(files, since=since, until=onset, max_count=20) if files else []:
        _bump(scores, git, commit.sha, 0.2, f"changed {', '.join(f for f in commit.files if f in files)[:120]}",
              commit)
    _rank(scores, onset)
    facts.suspects = sorted(scores.values(), key=lambda s: -s.score)[:10]
    for s in facts.suspects[:3]:
        s.evidence_id = book.add("commit", f"commit:{s.commit.sha}", f"{s.commit.subject} ({s.commit.author}, "
                                 f"{s.commit.date[:10]})", note=s.reason)


def _bump(scores: dict[str, SuspectCommit], git: Git, sha: str, weight: float, reason: str,
          commit: Commit | None = None) -> None:
    if sha not in scores:
        commit = commit or git.commit(sha)
        if commit is None:
            return
        ref = CommitRef(sha=commit.sha, subject=commit.subject, author=commit.author, date=commit.date.isoformat())
        scores[sha] = SuspectCommit(commit=ref, score=0.0, reason=reason, files=list(commit.files))
    scores[sha].score += weight


def _rank(scores: dict[str, SuspectCommit], onset: datetime | None) -> None:
    """Recent changes are likelier culprits: weigh by how close before the onset they landed."""
    for s in scores.values():
        when = datetime.fromisoformat(s.commit.date)
        if onset is not None:
            age = onset - when
            if age < timedelta(0):
                s.score *= 0.3  # landed after the error started: cannot have caused it
                s.reason += " (after the onset)"
            elif age <= timedelta(days=2):
                s.score += 0.2
            elif age <= timedelta(days=7):
                s.score += 0.1
            elif age > timedelta(days=14):
                s.score *= 0.5  # an old line is rarely what broke today
        s.score = round(min(s.score, 1.0), 3)
