"""The Redactor: run the rule table, resolve overlaps, substitute stable placeholders."""

from __future__ import annotations

import bisect
import itertools
import json
import re
from collections import Counter
from collections.abc import Iterable
from typing import TextIO

from fivewhys.errors import InputError
from fivewhys.redact._lines import line_filter
from fivewhys.redact._options import RedactOptions
from fivewhys.redact._plan import Excerpt, plan_rules
from fivewhys.redact._rules import Span

# What our own placeholders look like; text inside one is never matched again (idempotence).
PLACEHOLDER = re.compile(r"<(?:SECRET:[a-z0-9\-]+|[A-Z]+)#\d+>")


class Redactor:
    """Replaces secrets and personal data with typed placeholders, stable for its lifetime.

    The same value always gets the same placeholder from one Redactor (``<SECRET:token#1>``,
    ``<EMAIL#2>``), so an excerpt stays correlatable after redaction. Use one Redactor per
    analysis; ``findings`` counts what was replaced, per kind, never the values.

    Args:
        options: the user's extra rules and allow-list (``RedactOptions.from_settings``); None:
            the built-in rules alone.
    """

    def __init__(self, options: RedactOptions | None = None) -> None:
        self._options = None if options is None or options.empty else options
        self._assigned: dict[tuple[str, str], str] = {}
        self._numbers: Counter[str] = Counter()
        self._findings: Counter[str] = Counter()

    @property
    def findings(self) -> dict[str, int]:
        """Occurrences replaced so far, per kind (``{"aws-access-key": 2, "EMAIL": 1}``)."""
        return dict(self._findings)

    def redact(self, text: str) -> str:
        """Return ``text`` with every secret and personal datum replaced by its placeholder.

        Args:
            text: any text: log lines, a stack trace, a config file, a JSON document.

        Returns:
            The redacted text; identical to ``text`` when nothing sensitive was found.
        """
        spans = find_spans(text, self._options)
        return self._substitute(text, spans) if spans else text

    def _substitute(self, text: str, spans: list[Span]) -> str:
        out: list[str] = []
        pos = 0
        for start, end, label in spans:
            out.append(text[pos:start])
            out.append(self._placeholder(label, text[start:end]))
            pos = end
        out.append(text[pos:])
        return "".join(out)

    def _placeholder(self, label: str, value: str) -> str:
        self._findings[label] += 1
        key = (label, value)
        found = self._assigned.get(key)
        if found is None:
            tag = label if label.isupper() else f"SECRET:{label}"
            self._numbers[tag] += 1
            found = self._assigned[key] = f"<{tag}#{self._numbers[tag]}>"
        return found


def find_spans(text: str, options: RedactOptions | None = None) -> list[Span]:
    """All non-overlapping sensitive spans in ``text``, in order; earlier rules win overlaps.

    Our own placeholders are never matched again, and the rules see each one as a run of ``x``
    (a mask): next to a placeholder a rule sees a word, as it saw the value the placeholder
    replaced, so ``a@x.io+1 555`` redacted twice stays ``<EMAIL#1>+1 555``. Only the lines the
    first-level filter keeps (``_lines``) go through the rule table. The user's rules
    (``options``) only ever add to the table's spans (see ``_add_user_spans``); a candidate whose
    text is allowed is none.
    """
    taken = [m.span() for m in PLACEHOLDER.finditer(text)] if "#" in text else []
    if taken:
        text = PLACEHOLDER.sub(lambda m: "x" * (m.end() - m.start()), text)
    if options is None:
        return _resolve_spans(_builtin_spans(text), taken)
    builtin = _resolve_spans(options.allowed(text, _builtin_spans(text)), taken)
    return _add_user_spans(builtin, options.allowed(text, options.spans(text)), taken)


def _builtin_spans(text: str) -> Iterable[Span]:
    lines = line_filter()
    selection = lines.select(text) if lines is not None else None
    if selection is None:
        return plan_rules(text)
    if not selection.windows:
        return ()
    excerpt = Excerpt(text, tuple(selection.windows))
    return excerpt.map_back(plan_rules(excerpt.text, selection.active))


def _resolve_spans(candidates: Iterable[Span], taken: list[tuple[int, int]]) -> list[Span]:
    """Keep each candidate that overlaps no placeholder and no earlier candidate."""
    taken = list(taken)
    starts = [s for s, _ in taken]
    chosen: list[Span] = []
    for start, end, label in candidates:
        if start >= end or _overlaps(starts, taken, start, end):
            continue
        i = bisect.bisect_left(starts, start)
        starts.insert(i, start)
        taken.insert(i, (start, end))
        chosen.append((start, end, label))
    chosen.sort()
    return chosen


def _overlaps(starts: list[int], taken: list[tuple[int, int]], start: int, end: int) -> bool:
    i = bisect.bisect_left(starts, start)
    if i < len(taken) and taken[i][0] < end:
        return True
    return i > 0 and taken[i - 1][1] > start


def _add_user_spans(chosen: list[Span], user: Iterable[Span], taken: list[tuple[int, int]]) -> list[Span]:
    """``chosen`` (sorted, disjoint) with the user's spans added, none of them weakening another.

    User rules may come from a project's config, so they must not be able to shorten a built-in
    span (``AKIA`` as a pattern would leave the rest of the key visible): a user span that
    overlaps chosen spans replaces them with their union, under the user's label (the earliest
    user label when it joins an earlier user span). Spans over our own placeholders are dropped.
    """
    starts = [s for s, _ in taken]
    spans = list(chosen)
    begins, ends = [s for s, _, _ in spans], [e for _, e, _ in spans]
    rank = [-1] * len(spans)  # per span: -1 built in, else the order of the user span that made it
    for order, (start, end, label) in enumerate(user):
        if start >= end or _overlaps(starts, taken, start, end):
            continue
        i, j = bisect.bisect_right(ends, start), bisect.bisect_left(begins, end)  # spans[i:j] overlap it
        if i < j:
            start, end = min(start, begins[i]), max(end, ends[j - 1])
            earlier = [(r, spans[k][2]) for k, r in enumerate(rank[i:j], i) if r >= 0]
            order, label = min([(order, label), *earlier])
        spans[i:j], begins[i:j], ends[i:j], rank[i:j] = [(start, end, label)], [start], [end], [order]
    return spans


def redact(text: str) -> str:
    """Redact ``text`` with a fresh Redactor (placeholders numbered from 1)."""
    return Redactor().redact(text)


def redact_jsonl(infile: TextIO, outfile: TextIO, redactor: Redactor | None = None) -> None:
    """Redact a stream of JSON lines ``{"id", "text"}``, writing ``{"id", "text"}`` per line.

    One Redactor (``redactor``, else a fresh one) serves the whole stream, so a value keeps its
    placeholder across lines.

    Raises:
        InputError: a line is not a JSON object with a string ``text``.
    """
    redactor = Redactor() if redactor is None else redactor
    for n, line in enumerate(infile, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"line {n}: not JSON: {exc.msg}") from None
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise InputError(f'line {n}: expected an object with a string "text"')
        out = {"id": record.get("id"), "text": redactor.redact(record["text"])}
        outfile.write(json.dumps(out, ensure_ascii=False) + "\n")
