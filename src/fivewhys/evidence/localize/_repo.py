"""Ranking with a repository at hand: source, recent history, and the failing function's neighbours.

Best effort: every git call returns a result instead of raising, so a missing git, an unmapped
frame or a shallow clone only loses that piece of evidence. Reads stay inside the repository.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..git import Commit, Git
from ..source import RepoIndex, definition_regex, enclosing_function, function_span
from ..stacktrace import ParsedTrace
from ._roles import Role
from ._rank import Candidate
from ._sites import Site

MAX_FRAMES = 8
"""Candidates whose history is looked up (one blame each)."""
MAX_NEIGHBOURS = 12
RECENT_BOOST = 1.5
"""Added factor for the most recently changed candidate; the oldest change gets none."""
CALLEE_SHARE = 0.6
CALLER_SHARE = 0.35
_CALL = re.compile(r"\b([A-Za-z_]\w*)\s*\(")
_KEYWORDS = {"if", "for", "while", "switch", "catch", "return", "new", "throw", "print", "len", "str", "int",
             "float", "list", "dict", "set", "tuple", "isinstance", "super", "range", "sizeof", "typeof", "function",
             "def", "func", "assert", "elif", "and", "or", "not", "in", "is", "lambda", "await", "yield", "with"}


def refine(cands: list[Candidate], trace: ParsedTrace, root: Path) -> list[Candidate]:
    """Map candidates onto repo files, add source, history and neighbours, and re-rank."""
    git = Git(root)
    files = git.tracked_files()
    if not files:
        return cands
    index = RepoIndex(root, files)
    language = _language(trace)
    for cand in cands:
        _map(cand, index)
    app = [c for c in cands if c.file and c.role in (Role.APP, Role.OTHER)]
    crash = next((c for c in app if c.role is Role.APP), None)
    if crash is not None:
        cands = cands + _neighbours(crash, cands, index, git, language)
    _history(cands, git, index)
    return sorted(cands, key=lambda c: (-c.score, c.chain, c.depth))


def _language(trace: ParsedTrace) -> str | None:
    exc = trace.root_exception()
    return exc.language if exc else None


def _map(cand: Candidate, index: RepoIndex) -> None:
    site = cand.site
    rel = index.map_path(site.frame.file or site.file, site.frame.function)
    if rel is None:
        return
    cand.file = rel
    line = site.line or 0
    lines = index.read_lines(rel)
    if lines and 1 <= line <= len(lines):
        cand.notes.append(f"line {line}: {lines[line - 1].strip()[:80]}")
    if cand.role is Role.OTHER:
        # The trace could not tell; the repository can: a frame in a tracked file is application code.
        cand.role = Role.APP
        cand.score /= 0.3


def _neighbours(crash: Candidate, cands: list[Candidate], index: RepoIndex, git: Git,
                language: str | None) -> list[Candidate]:
    """Functions the failing function calls, and those that call it, found in the repository."""
    assert crash.file is not None
    lines = index.read_lines(crash.file) or []
    span = _span(lines, crash.site.line or 0, language)
    known = {c.site.function for c in cands}
    found: list[Candidate] = []
    for name in _called_names(lines, span, crash.site.function):
        if name in known or len(found) >= MAX_NEIGHBOURS:
            continue
        for path, line, _ in git.grep(definition_regex(name, language), max_hits=2)[:1]:
            found.append(_extra(crash, name, path, line, CALLEE_SHARE, f"called by {crash.site.label}, which failed"))
            known.add(name)
    for path, line, _ in git.grep(rf"\b{re.escape(crash.site.function)}\s*\(", max_hits=MAX_NEIGHBOURS):
        caller = enclosing_function(index.read_lines(path) or [], line, language)
        if caller and caller[0] not in known and caller[0] != crash.site.function:
            found.append(_extra(crash, caller[0], path, caller[1], CALLER_SHARE, f"calls {crash.site.label}, which failed"))
            known.add(caller[0])
    return found


def _span(lines: list[str], line: int, language: str | None) -> tuple[int, int]:
    if not lines or not 1 <= line <= len(lines):
        return 0, -1
    found = enclosing_function(lines, line, language)
    return function_span(lines, found[1]) if found else (line, line)


def _called_names(lines: list[str], span: tuple[int, int], own: str) -> list[str]:
    names: list[str] = []
    for text in lines[max(span[0], 1) - 1 : span[1]][1:]:
        for name in _CALL.findall(text):
            if name not in _KEYWORDS and name != own and name not in names:
                names.append(name)
    return names


def _extra(crash: Candidate, name: str, path: str, line: int, share: float, reason: str) -> Candidate:
    site = Site(name, None, "", path, line, crash.site.frame)
    return Candidate(site, crash.score * share, [reason], role=Role.APP, chain=crash.chain,
                     depth=crash.depth + 1, file=path, line=line, from_trace=False)


def _history(cands: list[Candidate], git: Git, index: RepoIndex) -> None:
    """Boost candidates whose code changed most recently; name the commit in the reason."""
    changed: list[tuple[Candidate, Commit]] = []
    for cand in [c for c in cands if c.file and c.role is Role.APP][:MAX_FRAMES + MAX_NEIGHBOURS]:
        commit = _last_change(cand, git, index)
        if commit is not None:
            changed.append((cand, commit))
    if not changed:
        return
    dates = sorted({c.date for _, c in changed})
    for cand, commit in changed:
        # Only differences in age say something: with one date for all, history adds nothing.
        recency = dates.index(commit.date) / (len(dates) - 1) if len(dates) > 1 else 0.0
        cand.score *= 1.0 + RECENT_BOOST * recency
        when = commit.date.date().isoformat()
        cand.notes.insert(0, f"changed {when} in {commit.short} \"{commit.subject[:60]}\"")


def _last_change(cand: Candidate, git: Git, index: RepoIndex) -> Commit | None:
    """The newest commit on the frame's line (and its neighbours), or on a whole neighbour function."""
    assert cand.file is not None
    line = cand.line or cand.site.line
    if not line:
        return None
    start, end = max(1, line - 2), line + 2
    if not cand.from_trace:
        start, end = function_span(index.read_lines(cand.file) or [""] * line, line)
    blame = git.blame(cand.file, start, end)
    if not blame:
        return None
    newest = max(blame, key=lambda b: b.date)
    return Commit(newest.sha, newest.summary, newest.author, "", newest.date)
