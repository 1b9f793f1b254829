"""Ranking from the trace alone: which frames may hold the fix, and how strongly.

The rules are the instincts of an engineer reading a trace:

- the root cause's frames first: a wrapper exception only reports where it was caught;
- frames that build, wrap, validate or rethrow exceptions are skipped: the decision was made by
  their caller (``Validate.notEmpty`` does not create the empty string);
- deeper application frames before shallower ones, but not by much: the frame where a bad value
  was created is often a caller of the frame where it was used;
- a setter that rejects a value ranks below the caller that computed the value;
- the class a test is named after (``CartTest`` -> ``Cart``) is what the failing test exercises;
- in a stack overflow the recurring methods are the loop, the deepest frame is an accident.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..stacktrace import ParsedException, ParsedTrace
from ._roles import AppModel, Role
from ._sites import Site, to_site

DEPTH_DECAY = 0.2
"""How fast suspicion falls with each application frame further from the crash."""
CHAIN_DECAY = 0.55
"""Weight of a wrapper exception's frames relative to its cause's."""
ROLE_WEIGHT = {Role.APP: 1.0, Role.OTHER: 0.3, Role.PLUMBING: 0.08}
UNDER_TEST = 1.25
"""Factor for the class the failing test is named after."""
MUTATOR = 0.5
"""Factor for a setter-like crash frame: it rejects a value its caller computed."""
_REJECTION = re.compile(r"Illegal|Invalid|Unsupported|Argument|Value|Format|State|Already|Range")
_MUTATOR = re.compile(r"^(?:set|put|write)(?:[A-Z_]|$)")
_TEST_AFFIX = re.compile(r"^Test_?|_?(?:Tests?|TestCase|Spec|IT)(?:_\w+)?$")
_RECURSION = re.compile(r"StackOverflow|RecursionError|maximum recursion|stack overflow", re.I)


@dataclass
class Candidate:
    """A distinct function on the failure path with the evidence gathered for it."""

    site: Site
    score: float
    reasons: list[str] = field(default_factory=list)
    occurrences: int = 1
    role: Role = Role.APP
    chain: int = 0
    depth: int = 0
    notes: list[str] = field(default_factory=list)
    """Extra evidence (source, history, calls) added by the repo pass."""
    file: str | None = None
    """The repository file, once the repo pass has mapped the frame onto one."""
    line: int | None = None
    from_trace: bool = True
    """False for callers/callees the repo pass found: they have no frame of their own."""


def rank_trace(trace: ParsedTrace, app_prefixes: list[str] | None = None) -> list[Candidate]:
    """Candidates from every exception of the trace, best first."""
    ordered = _chain_order(trace)
    sites = [(s, e.language) for _, e in ordered for s in _sites(e)]
    model = AppModel(sites, app_prefixes)
    under_test = _classes_under_test(s for s, lang in sites if model.role(s, lang) is Role.TEST)
    found: dict[tuple[str, str], Candidate] = {}
    for chain, exc in ordered:
        _score_exception(exc, chain, model, under_test, found)
    cands = list(found.values())
    if any(_RECURSION.search(f"{e.type or ''} {e.message or ''}") for _, e in ordered):
        _favour_recurring(cands)
    return sorted(cands, key=lambda c: (-c.score, c.chain, c.depth))


def _chain_order(trace: ParsedTrace) -> list[tuple[int, ParsedException]]:
    """Exceptions from the root cause outwards, with their distance from it; the rest after."""
    root = trace.root_exception()
    if root is None:
        return []
    index = {id(e): i for i, e in enumerate(trace.exceptions)}
    effect_of = {e.caused_by: i for i, e in enumerate(trace.exceptions) if e.caused_by is not None}
    chain: list[int] = []
    current: int | None = index[id(root)]
    while current is not None and current not in chain:
        chain.append(current)
        current = effect_of.get(current)
    rest = [i for i in range(len(trace.exceptions)) if i not in chain]
    return [(n, trace.exceptions[i]) for n, i in enumerate(chain)] + [(len(chain), trace.exceptions[i]) for i in rest]


def _sites(exc: ParsedException) -> list[Site]:
    """Sites innermost first (Python prints the most recent call last)."""
    frames = reversed(exc.frames) if exc.language == "python" else exc.frames
    return [s for s in (to_site(f, exc.language) for f in frames) if s is not None]


def _score_exception(exc: ParsedException, chain: int, model: AppModel, under_test: set[str],
                     found: dict[tuple[str, str], Candidate]) -> None:
    depth, pending = 0, ""
    thrown = (exc.type or "exception").rsplit(".", 1)[-1]
    for site in _sites(exc):
        role = model.role(site, exc.language)
        if role is Role.TEST:
            break  # what runs below the test is the harness
        if role is Role.RUNTIME:
            continue
        score = ROLE_WEIGHT[role] * CHAIN_DECAY**chain
        if role is Role.PLUMBING:
            pending = pending or site.label
            reason = f"only builds, validates or rethrows the {thrown}"
        else:
            score *= 1.0 / (1.0 + DEPTH_DECAY * depth) * _shape_factor(site, under_test)
            if depth == 0:
                score *= _consumer_factor(site, thrown, bool(pending))
            reason = _reason(site, role, depth, chain, thrown, pending)
            depth += 1
            pending = ""
        _merge(found, Candidate(site, score, [reason], role=role, chain=chain, depth=depth))


def _shape_factor(site: Site, under_test: set[str]) -> float:
    if site.outer_class and any(site.outer_class.startswith(name) for name in under_test):
        return UNDER_TEST
    return 1.0


def _consumer_factor(site: Site, thrown: str, validated: bool) -> float:
    """A setter that rejects its argument did not compute it: the caller did."""
    rejects = validated or bool(_REJECTION.search(thrown))
    return MUTATOR if rejects and _MUTATOR.search(site.function) else 1.0


def _reason(site: Site, role: Role, depth: int, chain: int, thrown: str, helper: str) -> str:
    where = "root cause" if chain == 0 else "a wrapping exception"
    if role is Role.OTHER:
        return f"third-party frame on the {thrown} path ({where})"
    if helper:
        return f"called {helper}, which only raised the {thrown}: the bad value or state is decided here"
    if depth == 0:
        return f"deepest application frame of the {where} ({thrown})"
    return f"application caller {depth} level{'s' if depth > 1 else ''} above the crash ({thrown}); may have passed the bad value"


def _merge(found: dict[tuple[str, str], Candidate], cand: Candidate) -> None:
    old = found.get(cand.site.key)
    if old is None:
        found[cand.site.key] = cand
        return
    old.occurrences += 1
    if cand.score > old.score:
        cand.occurrences = old.occurrences
        found[cand.site.key] = cand


def _favour_recurring(cands: list[Candidate]) -> None:
    """In a stack overflow the methods that recur are the runaway loop: rank them by recurrence."""
    most = max((c.occurrences for c in cands), default=1)
    if most < 3:
        return
    for c in cands:
        if c.role is Role.APP:
            c.score = 0.3 * c.score + 0.7 * c.occurrences / most
            if c.occurrences >= 2:
                c.reasons.insert(0, f"recurs {c.occurrences} times in the overflowing stack")


def _classes_under_test(tests: Iterable[Site]) -> set[str]:
    """``CartTest``/``TestCart``/``CartTests`` -> ``Cart``: the class a failing test exercises."""
    names: set[str] = set()
    for site in tests:
        stem = _TEST_AFFIX.sub("", site.outer_class)
        if len(stem) >= 3:
            names.add(stem)
    return names
