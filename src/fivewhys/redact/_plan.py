"""Run the rule table where the pre-filter says each rule can match, in table order.

Rules that share their triggers (all the key = value rules, say) share one gate scan and one
excerpt: the lines they may match on, joined; spans found in the excerpt are mapped back.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
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


def _hits(table: _Table, text: str) -> list[list[int]]:
    hits: list[list[int]] = [[] for _ in range(table.n_groups)]
    for start, n in table.exact.scan(text):
        for group in table.exact_groups[n]:
            hits[group].append(start)
    if table.folded.literals:
        for start, n in table.folded.scan(ascii_lower(text)):
            for group in table.folded_groups[n]:
                hits[group].append(start)
    for gate, groups in table.gates:
        positions = list(gate(text))
        for group in groups:
            hits[group].extend(positions)
    return hits


def plan_rules(text: str) -> Iterator[tuple[int, int, str]]:
    """Every span any rule finds in ``text``, rule by rule in table order (earlier rules win)."""
    table = _table()
    hits = _hits(table, text)
    excerpts: dict[tuple[Window, ...], _Excerpt] = {}
    keys: dict[int, list[int]] = {}
    for rule, group in zip(table.rules, table.group_of):
        found = hits[group]
        if not found:
            continue
        if rule.mode == "at":
            for pos in sorted(set(found)):
                yield from rule.find_at(text, pos)
        elif rule.mode == "key":
            if group not in keys:
                keys[group] = key_starts(text, found)
            for pos in keys[group]:
                yield from rule.find_at(text, pos)
        elif rule.mode == "whole":
            yield from rule.find(text)
        else:
            windows = tuple(line_windows(text, found, rule.after))
            excerpt = excerpts.get(windows)
            if excerpt is None:
                excerpt = excerpts[windows] = _Excerpt(text, windows)
            yield from excerpt.find(rule)


class _Excerpt:
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
        for start, end, label in rule.find(self.text):
            i = bisect.bisect_right(self._starts, start) - 1
            offset = self._windows[i][0] - self._starts[i]
            if end - self._starts[i] <= self._windows[i][1] - self._windows[i][0]:  # never across a seam
                yield start + offset, end + offset, label
