"""The first-level filter: which lines of a block can hold a match at all.

Most lines of a log hold nothing to redact, and every rule pays Python-level costs wherever its
trigger occurs (``_gate``, ``_plan``). So a block first goes through one multi-pattern scan with
Hyperscan (Intel's regex engine, a few GB/s), over each rule's ``near`` pattern: a
lookaround-free regex that every match of the rule contains (for a documented prefix, the prefix
*and* its body length, so ``pnu_`` in prose stops nothing). Only the lines a ``near`` match
covers go on to the rule table; the result is identical to running the table on the whole block:

- a ``near`` match spanning lines (an XML element, a Kubernetes ``name:``/``value:`` pair) keeps
  all its lines, so multi-line rules see the same text;
- a rule that reads a whole document (PEM blocks, Kubernetes Secret manifests) sends the whole
  block on;
- Hyperscan reads the block as Latin-1 bytes (one byte per character, so offsets agree) with ASCII
  classes, while Python's ``\\w``, ``\\s`` and ``(?i)`` are Unicode-aware: lines with non-ASCII or
  the control characters Python calls spaces are always kept, with two lines either side.

Without the ``hyperscan`` package (or on a CPU it does not support) ``line_filter()`` is None and
the rule table runs on the whole block: same output, slower.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

Window = tuple[int, int]

# Characters whose class differs between Python's Unicode-aware regexes and Hyperscan's ASCII ones
_UNSURE = re.compile(r"[^\x00-\x1b\x20-\x7f]")
_ASCII_SPACES_TO_PYTHON = "\x1c\x1d\x1e\x1f"  # separators that Python's \s matches and Hyperscan's does not
_UNSURE_CONTEXT = 2  # lines either side of an unsure line: the reach of the multi-line rules


@dataclass(frozen=True)
class Selection:
    """What of a text the rule table must see."""

    windows: list[Window]
    """Merged ``[start, end)`` line ranges that may hold a match."""
    active: frozenset[int]
    """Indices (in ``rules()``) of the rules that may match somewhere in the text."""


class LineFilter(Protocol):
    """Finds the lines of a text the rule table must see."""

    def select(self, text: str) -> Selection | None:
        """The lines and rules that may match in ``text``; None: run every rule on the whole text."""


class HyperscanFilter:
    """``near`` patterns compiled into one Hyperscan database."""

    def __init__(self, hs: Any, patterns: Sequence[tuple[str, bool]]) -> None:
        """``patterns``: per rule, (near regex, the rule needs the whole text); ``(?i)`` in front:
        ignore case."""
        unique = sorted(set(patterns))
        self._n_rules = len(patterns)
        self._rules_of = [frozenset(i for i, p in enumerate(patterns) if p == u) for u in unique]
        self._whole = frozenset(i for i, (_, whole) in enumerate(unique) if whole)
        self._som = frozenset(i for i, (p, _) in enumerate(unique) if _may_cross_lines(p))
        # Start-of-match tracking costs scan speed; only patterns that can cross a line need it
        # (for the others the line of the end is the line of the start).
        flags = [(hs.HS_FLAG_SOM_LEFTMOST if i in self._som else 0) | (hs.HS_FLAG_CASELESS if p.startswith("(?i)") else 0)
                 for i, (p, _) in enumerate(unique)]
        self._db = hs.Database()
        self._db.compile(
            expressions=[p.removeprefix("(?i)").encode("ascii") for p, _ in unique],
            ids=list(range(len(unique))),
            elements=len(unique),
            flags=flags,
        )

    def select(self, text: str) -> Selection | None:
        data = text.encode("latin-1", "replace")
        spans: list[Window] = []
        matched: set[int] = set()

        def on_match(pattern: int, start: int, end: int, flags: int, context: object) -> None:
            matched.add(pattern)
            spans.append((start if pattern in self._som else end - 1, end))

        self._db.scan(data, match_event_handler=on_match)
        if not matched.isdisjoint(self._whole):
            return None
        windows = _line_windows(data, spans)
        if not text.isascii() or any(ch in text for ch in _ASCII_SPACES_TO_PYTHON):
            # on these lines Hyperscan may have missed what Python's rules match: keep every rule
            return Selection(_merge(windows + _unsure_windows(text)), frozenset(range(self._n_rules)))
        return Selection(windows, frozenset().union(*(self._rules_of[p] for p in matched)))


def _may_cross_lines(pattern: str) -> bool:
    return any(part in pattern for part in ("\\s", "\\n", '[^\\"]'))


def _line_windows(data: bytes, spans: list[Window]) -> list[Window]:
    """The whole lines each span touches, merged."""
    windows: list[Window] = []
    last = -1
    for start, end in sorted(spans):
        if start < last:  # inside the previous window: extend to this span's last line
            if end > last:
                nl = data.find(b"\n", end - 1 if end else 0)
                last = len(data) if nl < 0 else nl + 1
                windows[-1] = (windows[-1][0], last)
            continue
        first = data.rfind(b"\n", 0, start) + 1
        nl = data.find(b"\n", max(end - 1, start))
        last = len(data) if nl < 0 else nl + 1
        if windows and first <= windows[-1][1]:
            windows[-1] = (windows[-1][0], last)
        else:
            windows.append((first, last))
    return windows


def _unsure_windows(text: str) -> list[Window]:
    """Lines holding a character the two regex engines may class differently, with context."""
    windows: list[Window] = []
    m = _UNSURE.search(text)
    while m is not None:
        start = end = m.start()
        for _ in range(_UNSURE_CONTEXT + 1):
            start = text.rfind("\n", 0, max(start - 1, 0)) + 1 if start else 0
        for _ in range(_UNSURE_CONTEXT + 1):
            nl = text.find("\n", end)
            end = len(text) if nl < 0 else nl + 1
        windows.append((start, end))
        m = _UNSURE.search(text, end)
    return windows


def _merge(windows: list[Window]) -> list[Window]:
    merged: list[Window] = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@cache
def line_filter() -> LineFilter | None:
    """The Hyperscan filter over the rule table, or None when Hyperscan is unavailable here."""
    try:
        import hyperscan
    except ImportError:
        return None
    from fivewhys.redact._rules import rules

    if not all(rule.near for rule in rules()):
        return None  # a rule without a near pattern could match on any line
    patterns = [(rule.near, rule.mode == "whole") for rule in rules()]
    try:
        return HyperscanFilter(hyperscan, patterns)
    except hyperscan.error:  # an unsupported CPU or platform: fall back to the plain scan
        return None


# --------------------------------------------------------------------------- deriving near patterns
_LOOKAROUND = re.compile(r"\(\?(?:<?[=!])")
_POSSESSIVE = re.compile(r"(?<!\\)([}*+?])\+")  # x{2,}+ and x*+: Hyperscan has no possessive repeats
_TRAILING = [
    (re.compile(r"(\[(?:\\.|[^\]\\])*\]|\\.|[^\\\])}])\{([1-9]\d*),\d*\}$"), r"\1{\2}"),  # x{n,m} at the end: x{n}
    (re.compile(r"(\[(?:\\.|[^\]\\])*\]|\\.|[^\\\])}])\+$"), r"\1"),  # x+ at the end: x
    (re.compile(r"(\[(?:\\.|[^\]\\])*\]|\\.|[^\\\])}])(?:\*|\?|\{0,\d*\})$"), ""),  # optional at the end: gone
]


def necessary(pattern: str) -> str:
    """A Hyperscan-compatible regex every match of ``pattern`` contains.

    Lookarounds go (fewer conditions only widen the match), groups stop capturing, and an
    open-ended repeat at the very end is cut to its minimum, so a long token reports one match,
    not one per extra character.
    """
    out = _POSSESSIVE.sub(r"\1", _drop_lookarounds(pattern).replace("(?P<s>", "(?:"))
    while True:
        cut = _cut_optional_group(out)
        for regex, repl in _TRAILING:
            cut = regex.sub(repl, cut)
        if cut == out:
            return out
        out = cut


def _cut_optional_group(pattern: str) -> str:
    """``...(?:x)?`` at the very end: ``...``."""
    if pattern.endswith(")?"):
        for i, ch in enumerate(pattern):
            if ch == "(" and (i == 0 or pattern[i - 1] != "\\") and _group_end(pattern, i + 1) == len(pattern) - 1:
                return pattern[:i]
    return pattern


def _drop_lookarounds(pattern: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        m = _LOOKAROUND.match(pattern, i)
        if m is None:
            step = 2 if pattern[i] == "\\" else 1
            out.append(pattern[i:i + step])
            i += step
            continue
        i = _group_end(pattern, m.end())
    return "".join(out)


def _group_end(pattern: str, i: int) -> int:
    """The index just past the ``)`` closing the group whose body starts at ``i``."""
    depth, in_class = 1, False
    while depth:
        ch = pattern[i]
        if ch == "\\":
            i += 1
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if pattern[i + 1] == "]":
                i += 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        i += 1
    return i
