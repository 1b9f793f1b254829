"""Suspect commits: which change most likely broke it, ranked and explained.

A commit is implicated by independent signals — it last changed a line on the failing path (blame),
changed a function on that path or a callee whose result the failing line uses (``git log -L``),
made such a function return None/null/nil, added or removed the config key or changed the file the
error names (pickaxe), shipped in the release deployed just before the onset, and landed shortly
before it. Signal weights combine as independent evidence (``1 - prod(1 - w)``), so a score stays in
0..1 and two weak signals beat one; commits that landed after the onset, were reverted before it, or
sit on a shallow-clone edge are discounted.

Cost is bounded by the window, not the repository: one log of the commits since ``onset - window``
says which files changed; only those files are blamed (with ``--since``) and only their functions
are followed, so a 30-frame trace on a 50,000-commit repository stays well under a second or two.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from .git import BlameLine, Commit, Git, Hunk, parse_hunks
from .source import definition_regex

WINDOW = timedelta(days=14)
MAX_FRAMES = 30
MAX_FUNCTION_FRAMES = 6
MAX_CALLEES = 4
_T = TypeVar("_T")

_NULL_RETURN = re.compile(r"\breturn\s+(None|null|nil|undefined|NULL|nullptr|Optional\.empty\(\)|Nothing)\b"
                          r"|\breturn\s*;|^\s*return\s*$")
_NOT_CALLEES = frozenset("if for while switch catch return print len str int float list dict set tuple bool "
                         "range isinstance format super new await typeof sizeof make append fmt get".split())


class FrameRef(BaseModel):
    """A frame on the failing path, mapped onto a repository file."""

    path: str
    line: int | None = None
    function: str | None = None


class SuspectQuery(BaseModel):
    """What is known about the failure, for ranking the commits that may have caused it."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    frames: list[FrameRef] = Field(default_factory=list)
    """Frames on the failing path as (repo_path, line, function), innermost first."""
    onset: AwareDatetime | None = None
    """When the failure started (first occurrence); None when unknown (HEAD's date stands in)."""
    deploy_text: str | None = None
    """The deploy/version marker seen before the onset ("deployed version v2.3.1")."""
    deploy_at: AwareDatetime | None = None
    keys: list[str] = Field(default_factory=list)
    """Config keys and file names the error names (``DATABASE_URL``, ``settings.toml``)."""
    producer: str | None = None
    """The function that produced the bad value, when the caller knows it."""
    language: str | None = None
    window: timedelta = WINDOW
    """How far before the onset a change counts as recent."""
    max_results: int = 10

    @field_validator("frames", mode="before")
    @classmethod
    def _tuples(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [dict(zip(("path", "line", "function"), v, strict=False)) if isinstance(v, tuple) else v
                    for v in value]
        return value


class SuspectEvidence(BaseModel):
    """What one signal rests on: a ``path:line`` with its text, or a hunk of the commit."""

    signal: str
    source: str
    excerpt: str = ""


class SuspectCommitRank(BaseModel):
    """A commit implicated in the failure, with why."""

    sha: str
    subject: str
    author: str
    date: datetime
    """Author date."""
    landed: datetime
    """When it reached the branch (the merge's date for a merged branch's commit)."""
    score: float
    reason: str
    """One line: what the commit did to the failing path, and when relative to the onset."""
    signals: list[str] = Field(default_factory=list)
    evidence: list[SuspectEvidence] = Field(default_factory=list)
    files: list[str] = Field(default_factory=list)
    release: str | None = None
    merge: str | None = None
    """The merge commit that brought it in, when it came from a merged branch."""


@dataclass
class _Candidate:
    commit: Commit
    landed: datetime
    merge: Commit | None = None
    weights: dict[str, float] = field(default_factory=dict)
    clauses: dict[str, str] = field(default_factory=dict)
    evidence: list[SuspectEvidence] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    factor: float = 1.0
    release: str | None = None

    def hit(self, signal: str, weight: float, clause: str, evidence: SuspectEvidence | None = None) -> None:
        if weight > self.weights.get(signal, 0.0):
            self.weights[signal], self.clauses[signal] = weight, clause
        if evidence is not None and all(e.source != evidence.source for e in self.evidence):
            self.evidence.append(evidence)

    @property
    def score(self) -> float:
        miss = 1.0
        for w in self.weights.values():
            miss *= 1.0 - w
        return round((1.0 - miss) * self.factor, 3)


class _Ranking:
    """The state of one ranking: the window's commits and the candidates found so far."""

    def __init__(self, git: Git, query: SuspectQuery, anchor: datetime) -> None:
        self.git, self.query, self.anchor = git, query, anchor
        self.since = anchor - query.window
        self.window = {c.sha: c for c in git.log(since=self.since, max_count=2000)}
        self.touched = _follow_renames({f for c in self.window.values() for f in c.files}, git.renames(self.since))
        self.merged = git.merged_by(since=self.since)
        self.candidates: dict[str, _Candidate] = {}
        self.crash_line: BlameLine | None = None

    def candidate(self, sha: str, path: str | None = None) -> _Candidate | None:
        """The candidate for sha, attributing a merge commit to the merged change that touched path."""
        if sha in self.candidates:
            return self.candidates[sha]
        commit = self.window.get(sha) or self.git.commit(sha)
        if commit is None:
            return None
        merge = self.merged.get(commit.sha)
        if commit.is_merge:
            branch = self.git.log([path] if path else None, rev=f"{commit.parents[0]}..{commit.sha}",
                                  no_merges=True, max_count=1)
            if branch:
                commit, merge = branch[0], commit
        landed = (merge.committed if merge else None) or commit.committed or commit.date
        return self.candidates.setdefault(commit.sha, _Candidate(commit, landed, merge))

    def when(self, cand: _Candidate) -> str:
        onset = self.query.onset
        if onset is None:
            return f"on {cand.landed.date().isoformat()}"
        if cand.landed > onset:
            return "after the onset"
        return f"{_ago(onset - cand.landed)} before the onset"


def rank_suspects(git: Git, query: SuspectQuery) -> list[SuspectCommitRank]:
    """Rank the commits that may have caused a failure, best first.

    Args:
        git: The repository.
        query: Frames on the failing path, onset, deploy marker, config keys, producing function.

    Returns:
        Up to ``query.max_results`` suspects, each with a score in 0..1, a one-line reason and the
        evidence it rests on. Empty when the repository has no history or nothing is implicated.
    """
    head = git.commit("HEAD")
    if head is None:
        return []
    anchor = query.onset or head.committed or head.date
    ranking = _Ranking(git, query, anchor)
    # Signals are applied one after the other (so the result never depends on thread timing);
    # the git calls inside each are overlapped.
    for signal in (_blame_frames, _function_history, _callees, _keys, _release):
        signal(ranking)
    if not ranking.candidates and ranking.crash_line is not None:
        _old_crash_line(ranking)
    _discount(ranking)
    ordered = sorted(ranking.candidates.values(), key=lambda c: (-c.score, -c.landed.timestamp()))
    return [_result(ranking, c) for c in ordered[: query.max_results] if c.score > 0]


def _parallel(jobs: list[Callable[[], _T]]) -> list[_T]:
    """git calls are subprocesses: threads overlap them (the GIL is released while waiting)."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda job: job(), jobs))


# -- signals -------------------------------------------------------------------------------------


def _decay(rank: int) -> float:
    """Frames further from the crash are weaker witnesses."""
    return 1.0 / (1.0 + 0.5 * rank)


def _blame_frames(r: _Ranking) -> None:
    frames = [(i, f) for i, f in enumerate(r.query.frames[:MAX_FRAMES]) if f.line]
    by_path: dict[str, list[tuple[int, FrameRef]]] = {}
    for i, f in frames:
        by_path.setdefault(f.path, []).append((i, f))
    recent = [p for p in by_path if p in r.touched]  # untouched files cannot hold a line from the window
    first = frames[0][1] if frames and frames[0][0] == 0 else None
    jobs: list[Callable[[], list[BlameLine]]] = [
        partial(r.git.blame_ranges, p, [(f.line - 2, f.line + 2) for _, f in by_path[p] if f.line], since=r.since)
        for p in recent]
    if first is not None and first.line:  # how old the failing line really is, for the reason text
        jobs.append(partial(r.git.blame, first.path, first.line, first.line))
    blames = _parallel(jobs)
    for path, lines in zip(recent, blames, strict=False):
        for i, f in by_path[path]:
            _blame_hits(r, i, f, [b for b in lines if abs(b.line - (f.line or 0)) <= 2])
    if first is not None and len(blames) > len(recent) and blames[-1]:
        r.crash_line = blames[-1][0]


def _blame_hits(r: _Ranking, rank: int, frame: FrameRef, lines: list[BlameLine]) -> None:
    for bl in lines:
        if bl.sha.startswith("0000000") or bl.date < r.since:
            continue
        cand = r.candidate(bl.sha, frame.path)
        if cand is None:
            continue
        where = f"{frame.path}:{bl.line}"
        func = f" ({frame.function})" if frame.function else ""
        ev = SuspectEvidence(signal="blame", source=where, excerpt=bl.text.strip())
        if bl.line == frame.line:
            what = "the failing line" if rank == 0 else "a line on the failing path"
            cand.hit("line", 0.6 * _decay(rank), f"last changed {what} {where}{func} {{when}}", ev)
        else:
            cand.hit("near", 0.3 * _decay(rank), f"changed lines next to {frame.path}:{frame.line}{func} {{when}}", ev)


def _function_history(r: _Ranking) -> None:
    frames = [(i, f) for i, f in enumerate(r.query.frames[:MAX_FRAMES]) if f.function and f.path in r.touched]
    frames = frames[:MAX_FUNCTION_FRAMES]
    histories = _parallel([partial(r.git.function_history, f.path, _bare(f.function or ""), since=r.since,
                                   max_count=10, language=r.query.language) for _, f in frames])
    for (rank, frame), history in zip(frames, histories, strict=True):
        name = _bare(frame.function or "")
        role = f"the failing function {name}" if rank == 0 else f"the caller {name}"
        for n, commit in enumerate(history.commits):
            cand = r.candidate(commit.sha, frame.path)
            if cand is not None:
                ev = _hunk_evidence("function", _patch_hunks(commit, frame.path))
                cand.hit("function", 0.35 * _decay(rank) * (1.0 if n == 0 else 0.6),
                         f"changed {role} ({frame.path}) {{when}}", ev)


def _callees(r: _Ranking) -> None:
    names = [r.query.producer] if r.query.producer else _crash_callees(r)
    for name in names[:MAX_CALLEES]:
        for path in _definitions(r, name):
            if path not in r.touched:
                continue
            history = r.git.function_history(path, name, since=r.since, max_count=10, language=r.query.language)
            for n, commit in enumerate(history.commits):
                _callee_hit(r, commit, path, name, first=n == 0, known=bool(r.query.producer))


def _callee_hit(r: _Ranking, commit: Commit, path: str, name: str, first: bool, known: bool) -> None:
    cand = r.candidate(commit.sha, path)
    if cand is None:
        return
    hunks = _patch_hunks(commit, path)
    nulls = [row for h in hunks for row in h.added if _NULL_RETURN.search(row)]
    role = "the function that produced the bad value" if known else "the callee"
    clause = f"{role} {name} ({path}) changed {{when}}"
    if nulls:
        word = _NULL_RETURN.search(nulls[0])
        clause += f" and now returns {word.group(1) if word and word.group(1) else 'nothing'}"
        cand.hit("returns_null", 0.45 if first else 0.25, "")
    weight = (0.5 if known else 0.4) * (1.0 if first else 0.6)
    cand.hit("callee", weight, clause, _hunk_evidence("callee", hunks, prefer=_NULL_RETURN))


def _keys(r: _Ranking) -> None:
    for key in r.query.keys:
        if _is_file_name(key):
            _file_key(r, key)
        else:
            for n, commit in enumerate(r.git.pickaxe(key, max_count=5, since=r.since - 4 * r.query.window, lines=True)):
                _pickaxe_hit(r, commit, key, first=n == 0)


def _file_key(r: _Ranking, name: str) -> None:
    for commit in r.window.values():
        for path in commit.files:
            if path == name or path.endswith("/" + name.lstrip("/")):
                cand = r.candidate(commit.sha, path)
                if cand is not None:
                    ev = _hunk_evidence("config_file", r.git.show_hunks(commit.sha, [path]))
                    cand.hit("config_file", 0.45, f"changed {path}, named in the error, {{when}}", ev)


def _pickaxe_hit(r: _Ranking, commit: Commit, key: str, first: bool) -> None:
    cand = r.candidate(commit.sha)
    if cand is None:
        return
    hunks = r.git.show_hunks(commit.sha, contains=key)
    added = any(key in row for h in hunks for row in h.added)
    removed = any(key in row for h in hunks for row in h.removed)
    verb = "changed" if added and removed else "removed" if removed else "added"
    where = f" in {hunks[0].path}" if hunks else ""
    cand.hit("config_key", 0.55 if first else 0.3, f"{verb} {key}{where}, named in the error, {{when}}",
             _hunk_evidence("config_key", hunks))


def _release(r: _Ranking) -> None:
    text = r.query.deploy_text
    match = r.git.resolve_version(text) if text else None
    if match is None:
        return
    prev = r.git.previous_tag(match.sha) if match.source != "sha" else None
    since = None if prev else (match.date or r.anchor) - r.query.window
    commits = r.git.log(rev=f"{prev}..{match.sha}" if prev else match.sha, since=since, no_merges=True, max_count=200)
    deployed = r.query.deploy_at
    when = f", deployed {_ago(r.query.onset - deployed)} before the onset" if deployed and r.query.onset else ""
    ev = SuspectEvidence(signal="release", source=match.evidence, excerpt=text or "")
    for commit in commits:
        cand = r.candidate(commit.sha)
        if cand is not None:
            cand.release = match.version
            cand.hit("release", 0.3, f"shipped in {match.tag or match.version}{when}", ev)


def _old_crash_line(r: _Ranking) -> None:
    """Nothing changed recently on the path: the failing line's own last change is all git can say."""
    bl = r.crash_line
    frame = r.query.frames[0]
    cand = r.candidate(bl.sha, frame.path) if bl else None
    if bl is not None and cand is not None:
        ev = SuspectEvidence(signal="blame", source=f"{frame.path}:{bl.line}", excerpt=bl.text.strip())
        cand.hit("line", 0.6, f"last changed the failing line {frame.path}:{bl.line} {{when}}", ev)


# -- discounts, timing and the final reason ----------------------------------------------------


def _discount(r: _Ranking) -> None:
    onset = r.query.onset
    reverts = r.git.reverts(since=r.since - 4 * r.query.window) if r.candidates else {}
    edges = r.git.shallow_edges() if r.candidates else set()
    for cand in r.candidates.values():
        revert = reverts.get(cand.commit.sha)
        if revert is not None and (onset is None or (revert.committed or revert.date) <= onset):
            cand.factor *= 0.1  # the change was already undone when the failure started
            cand.notes.append(f"reverted by {revert.short} before the onset")
        if cand.commit.subject.startswith("Revert ") and cand.weights:
            cand.notes.append("a revert that put back older code")
        if cand.commit.sha in edges:
            cand.factor *= 0.2  # a shallow clone's edge looks like it wrote every line it holds
            cand.notes.append("shallow-clone edge: older history was not fetched (git fetch --unshallow)")
        _timing(r, cand)


def _timing(r: _Ranking, cand: _Candidate) -> None:
    onset = r.query.onset
    if onset is None:
        return
    age = onset - cand.landed
    if age < timedelta(0):
        cand.factor *= 0.15  # landed after the failure started: it cannot have caused it
        return
    steps = ((timedelta(days=1), 0.3), (timedelta(days=3), 0.2), (timedelta(days=7), 0.12), (r.query.window, 0.06))
    weight = next((w for limit, w in steps if age <= limit), 0.0)
    if weight:
        cand.hit("recent", weight, "")
    else:
        cand.factor *= 0.6  # an old change is rarely what broke today


def _result(r: _Ranking, cand: _Candidate) -> SuspectCommitRank:
    c = cand.commit
    return SuspectCommitRank(sha=c.sha, subject=c.subject, author=c.author, date=c.date, landed=cand.landed,
                             score=cand.score, reason=_reason(r, cand), signals=sorted(cand.weights),
                             evidence=cand.evidence, files=list(c.files), release=cand.release,
                             merge=cand.merge.sha if cand.merge else None)


def _reason(r: _Ranking, cand: _Candidate) -> str:
    ranked = sorted(((w, s) for s, w in cand.weights.items() if cand.clauses.get(s)), reverse=True)
    clauses = [cand.clauses[s].replace("{when}", r.when(cand)) for _, s in ranked[:2]]
    top = ranked[0][1] if ranked else ""
    crash = r.crash_line
    if crash is not None and top not in ("line",) and crash.sha != cand.commit.sha and crash.date < r.since:
        frame = r.query.frames[0]
        clauses.insert(0, f"the failing line {frame.path}:{frame.line} is from {crash.date.date().isoformat()}")
    if cand.merge is not None:
        clauses.append(f"merged in {cand.merge.short} ({cand.merge.subject})")
    return "; ".join(clauses + cand.notes)


# -- helpers -------------------------------------------------------------------------------------


def called_functions(lines: list[str], line: int) -> list[str]:
    """Functions whose results the given line (1-based) uses: assigned to a name it reads, or called on it.

    Producers of the line's variables come first (the value that blew up is usually one of them).
    """
    if not 1 <= line <= len(lines):
        return []
    text = lines[line - 1]
    names = set(re.findall(r"[A-Za-z_]\w*", text))
    found: list[str] = []
    for n in range(line - 1, max(0, line - 40), -1):
        row = lines[n - 1]
        m = re.match(r"\s*(?:(?:const|let|var|val|auto|final)\s+)?([A-Za-z_]\w*)\s*(?::[^=]+)?:?=\s*"
                     r"(?:await\s+|new\s+|try\s+)?([\w.]+)\s*\(", row)
        if m and m.group(1) in names:
            found.append(m.group(2).split(".")[-1])
        if re.match(r"\s*(?:async\s+)?(?:def|func|function|fn)\b", row):
            break
    found += [m.group(1) for m in re.finditer(r"([A-Za-z_]\w*)\s*\(", text)]
    return [f for f in dict.fromkeys(found) if f not in _NOT_CALLEES and not f[:1].isupper()]


def _follow_renames(touched: set[str], renames: list[tuple[str, str]]) -> set[str]:
    """A file changed in the window and renamed since is touched under its new name too."""
    for old, new in reversed(renames):  # oldest rename first, so chains resolve
        if old in touched:
            touched.add(new)
    return touched


def _crash_callees(r: _Ranking) -> list[str]:
    frames = r.query.frames
    if not frames or not frames[0].line:
        return []
    lines = r.git.read(frames[0].path)
    own = _bare(frames[0].function or "")
    return [n for n in called_functions(lines or [], frames[0].line) if n != own]


def _definitions(r: _Ranking, name: str) -> list[str]:
    hits = r.git.grep(definition_regex(name, r.query.language), max_hits=3)
    return list(dict.fromkeys(path for path, _, _ in hits))


def _patch_hunks(commit: Commit, path: str) -> list[Hunk]:
    hunks = parse_hunks(commit.patch)
    return [h for h in hunks if h.path == path] or hunks


def _hunk_evidence(signal: str, hunks: list[Hunk], prefer: re.Pattern[str] | None = None) -> SuspectEvidence | None:
    chosen = [h for h in hunks if prefer and any(prefer.search(row) for row in h.added)] or hunks
    if not chosen:
        return None
    h = chosen[0]
    return SuspectEvidence(signal=signal, source=f"{h.path}:{h.new_start}", excerpt=h.text[:800])


def _bare(function: str) -> str:
    """``pkg.Class.method`` / ``pkg.(*T).M`` / ``Ns::f`` -> the name git can find in the file."""
    name = re.split(r"[.:]", function.replace("(*", "").replace(")", ""))[-1]
    return re.sub(r"\W.*$", "", name) or function


def _is_file_name(key: str) -> bool:
    return "/" in key or bool(re.search(r"\.(?:toml|ya?ml|json|ini|cfg|conf|env|properties|xml|py|js|ts|go)$", key))


def _ago(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 90:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    if minutes < 48 * 60:
        return f"{minutes // 60} hours"
    return f"{minutes // 1440} days"


__all__ = ["FrameRef", "SuspectCommitRank", "SuspectEvidence", "SuspectQuery", "called_functions", "rank_suspects"]
