"""The candidate pre-filter: find where a rule could match before running it.

Most log lines hold no secret, and Python's regex engine pays for every position it tries. So the
rule table is not run over the whole text. Every rule names literal *triggers* (one of them occurs
in every match) or a *gate* function; one scan of the text per case domain finds all triggers at
once, and each rule then runs only where it can match:

- ``at`` rules start with their trigger: the rule's regex is tried once, at the trigger;
- ``key`` rules start at the identifier around their trigger (``DB_PASSWORD`` around ``pass``);
- ``line`` rules run over the lines holding a trigger (plus ``context`` following lines);
- ``whole`` rules run over the whole text when a trigger occurs anywhere.

With Hyperscan installed the literals are found by one Hyperscan database. Without it, by one
``re`` scan that starts every alternative with the *rarest* character of its trigger (ranked by how
often it occurs in logs and code), so the engine only stops at a few positions; the rest of each
trigger is checked with look-arounds. Both find the same occurrences.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

# Characters from most to least frequent in logs and source code (letters by English frequency;
# separators, digits and log-level capitals are everywhere in logs).
_BY_FREQUENCY = (
    " 0123456789.-:_/=\"etaoinsrhldcumfpgwyb,()[]{}TZEIRONSADGWUBFCLHMPvkxjqz\t'`<>@#$%^&*+!|~;?\\"
    "KVXYJQ"
)
_RANK = {ch: i for i, ch in enumerate(_BY_FREQUENCY)}
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

Gate = Callable[[str], Iterable[int]]
"""A trigger finder for patterns without a literal: text -> positions where a match may be."""


def ascii_lower(text: str) -> str:
    """Lower-case ASCII letters only, so every offset still points at the same character."""
    return text.lower() if text.isascii() else text.translate(_ASCII_LOWER)


class TriggerScan:
    """One pass over a text that finds every occurrence of a set of literal triggers.

    ``scan`` yields ``(start, literal_index)`` for every occurrence, overlapping ones included.
    """

    def __init__(self, literals: Sequence[str]) -> None:
        self.literals = list(literals)
        by_anchor: dict[str, list[tuple[int, int]]] = defaultdict(list)  # anchor -> (literal, offset)
        for n, lit in enumerate(self.literals):
            offset = max(range(len(lit)), key=lambda i: (_RANK.get(lit[i], len(_RANK)), -i))
            by_anchor[lit[offset]].append((n, offset))
        self._by_anchor = dict(by_anchor)
        branches = []
        for anchor, entries in by_anchor.items():
            checks = sorted({f"(?<={re.escape(self.literals[n][:i + 1])})(?={re.escape(self.literals[n][i + 1:])})"
                             for n, i in entries})
            branches.append(re.escape(anchor) + "(?:" + "|".join(checks) + ")")
        # each match is the anchor character alone, so overlapping triggers are all found
        self._regex = re.compile("|".join(branches)) if branches else None
        self._hs = _literal_database(self.literals) if self.literals else None

    def scan(self, text: str) -> Iterable[tuple[int, int]]:
        """Yield ``(start, literal index)`` for each trigger occurrence in ``text``."""
        if self._hs is not None:
            return self._scan_hs(text)
        return self._scan_re(text)

    def _scan_hs(self, text: str) -> list[tuple[int, int]]:
        # Latin-1 keeps one byte per character; the literals are ASCII, so byte and character
        # matches are the same (a character Latin-1 cannot encode becomes "?", never a literal's)
        found: list[tuple[int, int]] = []
        lengths = [len(lit) for lit in self.literals]

        def on_match(n: int, start: int, end: int, flags: int, context: object) -> None:
            found.append((end - lengths[n], n))

        assert self._hs is not None
        self._hs.scan(text.encode("latin-1", "replace"), match_event_handler=on_match)
        return found

    def _scan_re(self, text: str) -> Iterable[tuple[int, int]]:
        if self._regex is None:
            return
        for m in self._regex.finditer(text):
            pos = m.start()
            for n, offset in self._by_anchor[text[pos]]:
                start = pos - offset
                if start >= 0 and text.startswith(self.literals[n], start):
                    yield start, n


def _literal_database(literals: Sequence[str]) -> Any:
    """The literals as one Hyperscan database, or None without Hyperscan (or with a non-ASCII one)."""
    try:
        import hyperscan
    except ImportError:
        return None
    if not all(lit.isascii() for lit in literals):
        return None
    db = hyperscan.Database()
    try:
        db.compile(expressions=[re.escape(lit).encode("ascii") for lit in literals], ids=list(range(len(literals))),
                   elements=len(literals), flags=[0] * len(literals))
    except hyperscan.error:
        return None
    return db


def line_windows(text: str, hits: Iterable[int], after: int) -> list[tuple[int, int]]:
    """Merged ``[start, end)`` ranges of the lines holding ``hits``, each with ``after`` more lines."""
    windows: list[tuple[int, int]] = []
    line_end = -1  # the end of the last hit's line
    for pos in sorted(hits):
        if pos < line_end:
            continue  # on the last hit's line: the same lines below it
        start = text.rfind("\n", 0, pos) + 1
        nl = text.find("\n", pos)
        line_end = end = len(text) if nl < 0 else nl + 1
        for _ in range(after):
            if nl < 0:
                break
            nl = text.find("\n", end)
            end = len(text) if nl < 0 else nl + 1
        # a hit inside the last window still brings its own lines below (machine a / machine b / login)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
        else:
            windows.append((start, end))
    return windows


_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")


def key_starts(text: str, hits: Iterable[int]) -> list[int]:
    """Where the identifiers holding ``hits`` start, and the character before (a quote, ``$``)."""
    starts: set[int] = set()
    last_hit = last_start = -1
    for hit in sorted(set(hits)):
        pos = hit
        while pos > 0 and text[pos - 1] in _KEY_CHARS:
            pos -= 1
            if pos == last_hit:  # in the previous hit's identifier: walked once (tokentoken… is long)
                pos = last_start
                break
        last_hit, last_start = hit, pos
        starts.add(pos)
        if pos > 0:
            starts.add(pos - 1)
    return sorted(starts)
