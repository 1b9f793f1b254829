"""Run the rule table where the pre-filter says each rule can match, in table order.

Rules that share their triggers (all the key = value rules, say) share one gate scan and one
excerpt: the lines they may match on, joined; spans found in the excerpt are mapped back.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from fivewhys.redact._gate import Gate, TriggerScan, ascii_lower, key_starts, line_windows
from fivewhys.redact._rules import Rule, Span, rules

Window = tuple[int, int]


@dataclass(frozen=True)
class _Table:
    """The rule table compiled for the pre-filter: which hits feed which rule."""

    rules: tuple[Rule, ...]
    group_of: tuple[int, ...]  # rule index -> trigger group (rules with the same triggers)
    exact: TriggerScan  # case-sensitive literals
    folded: TriggerScan  # ASCII-case-insensitive literals, lower-cased
    exact_groups: tuple[tuple[int, ...], ...]  # literal index -> groups
    folded_groups: tuple[tuple[int, ...], ...]
    gates: tuple[tuple[Gate, tuple[int, ...]], ...]  # gate -> groups
    n_groups: int


@cache
def _table() -> _Table:
    table = rules()
    keys: dict[object, int] = {}
    group_of = []
    for rule in table:
        key = id(rule) if rule.mode == "at" else (id(rule.gate), rule.triggers, rule.icase)
        group_of.append(keys.setdefault(key, len(keys)))
    exact: dict[str, set[int]] = {}
    folded: dict[str, set[int]] = {}
    gates: dict[int, tuple[Gate, set[int]]] = {}
    for rule, group in zip(table, group_of):
        for lit in rule.triggers:
            (folded if rule.icase else exact).setdefault(lit.lower() if rule.icase else lit, set()).add(group)
        if rule.gate is not None:
            gates.setdefault(id(rule.gate), (rule.gate, set()))[1].add(group)
    return _Table(
        rules=table,
        group_of=tuple(group_of),
        exact=TriggerScan(list(exact)),
        folded=TriggerScan(list(folded)),
        exact_groups=tuple(tuple(sorted(g)) for g in exact.values()),
        folded_groups=tuple(tuple(sorted(g)) for g in folded.values()),
        gates=tuple((gate, tuple(sorted(groups))) for gate, groups in gates.values()),
        n_groups=len(keys),
    )


def _hits(table: _Table, text: str, groups_on: set[int] | None) -> list[list[int]]:
    hits: list[list[int]] = [[] for _ in range(table.n_groups)]
    for start, n in table.exact.scan(text):
        for group in table.exact_groups[n]:
            hits[group].append(start)
    if table.folded.literals:
        for start, n in table.folded.scan(ascii_lower(text)):
            for group in table.folded_groups[n]:
                hits[group].append(start)
    for gate, groups in table.gates:
        if groups_on is not None and groups_on.isdisjoint(groups):
            continue
        positions = list(gate(text))
        for group in groups:
            hits[group].extend(positions)
    return hits


def plan_rules(text: str, active: frozenset[int] | None = None) -> Iterator[tuple[int, int, str]]:
    """Every span any rule finds in ``text``, rule by rule in table order (earlier rules win).

    Args:
        text: the text to search.
        active: the indices (in ``rules()``) of the only rules that can match, when known
            (``_lines`` knows it); None runs them all.
    """
    table = _table()
    groups_on = None if active is None else {table.group_of[i] for i in active}
    hits = _hits(table, text, groups_on)
    excerpts: dict[tuple[Window, ...], Excerpt] = {}
    keys: dict[int, list[int]] = {}
    for i, (rule, group) in enumerate(zip(table.rules, table.group_of)):
        found = hits[group]
        if not found or (active is not None and i not in active):
            continue
        if rule.mode in ("at", "key"):
            if rule.mode == "at":
                starts = sorted(set(found))
            elif group in keys:
                starts = keys[group]
            else:
                starts = keys[group] = key_starts(text, found)
            match, first = rule.regex.match, rule.first  # most tries fail at once: no generator per try
            for pos in starts:
                if first and text[pos] not in first:
                    continue
                m = match(text, pos)
                if m is not None:
                    yield from rule.spans_of(m)
        elif rule.mode == "whole":
            yield from rule.find(text)
        else:
            windows = tuple(line_windows(text, found, rule.after))
            excerpt = excerpts.get(windows)
            if excerpt is None:
                excerpt = excerpts[windows] = Excerpt(text, windows)
            yield from excerpt.find(rule)


class Excerpt:
    """Some windows of a text joined into one string, with the way back to the text's offsets."""

    def __init__(self, text: str, windows: tuple[Window, ...]) -> None:
        self.text = "".join(text[a:b] for a, b in windows)
        self._starts: list[int] = []  # offset of each window in the excerpt
        self._windows = windows
        at = 0
        for a, b in windows:
            self._starts.append(at)
            at += b - a

    def find(self, rule: Rule) -> Iterator[Span]:
        """The spans ``rule`` finds in the windows, in the text's offsets."""
        return self.map_back(rule.find(self.text))

    def map_back(self, spans: Iterable[Span]) -> Iterator[Span]:
        """Excerpt spans in the text's offsets; a span across two windows is dropped."""
        for start, end, label in spans:
            i = bisect.bisect_right(self._starts, start) - 1
            offset = self._windows[i][0] - self._starts[i]
            if end - self._starts[i] <= self._windows[i][1] - self._windows[i][0]:  # never across a seam
                yield start + offset, end + offset, label
