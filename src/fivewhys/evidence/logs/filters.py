"""Record filters shared by search, stats and timeline: pattern, time window, level, fields."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from fivewhys.errors import InputError
from fivewhys.evidence.logs import timestamps as ts

if TYPE_CHECKING:
    from fivewhys.evidence.logs.light import Light
from fivewhys.evidence.logs.model import LogQuery, LogRecord

R = TypeVar("R", bound="LogRecord | Light")


def text_matcher(query: LogQuery) -> Callable[[str], bool] | None:
    """A predicate for the query's pattern over a record's raw text (None: no pattern).

    Raises:
        InputError: the regex does not compile.
    """
    if not query.pattern:
        return None
    if query.regex:
        try:
            compiled = re.compile(query.pattern, re.IGNORECASE if query.ignore_case else 0)
        except re.error as exc:
            raise InputError(f"invalid regex {query.pattern!r}: {exc}") from exc
        return lambda text: compiled.search(text) is not None
    if query.ignore_case:  # simple case folding, as ripgrep's -i (not casefold: ß is not ss)
        caseless = re.compile(re.escape(query.pattern), re.IGNORECASE)
        return lambda text: caseless.search(text) is not None
    literal = query.pattern
    return lambda text: literal in text


def min_rank(level: str | None) -> int:
    """Rank for a `min_level` argument (`warning`, `WARN`, `E` ...); -1 when no minimum.

    Raises:
        InputError: the level is not one fivewhys knows.
    """
    if level is None:
        return -1
    normalized = ts.normalize_level(level)
    if normalized is None:
        raise InputError(f"unknown log level {level!r}")
    return ts.level_rank(normalized)


def in_window(stamp: datetime | None, since: datetime | None, until: datetime | None) -> bool:
    """Whether a (possibly None) timestamp is inside [since, until]; None is inside no window."""
    if since is None and until is None:
        return True
    if stamp is None:
        return False
    key = ts.comparable(stamp)
    if since is not None and key < ts.comparable(since):
        return False
    return until is None or key <= ts.comparable(until)


def with_effective_time(records: Iterable[R]) -> Iterator[tuple[datetime | None, R]]:
    """Pair each record with its timestamp, or the previous record's when it has none."""
    last: datetime | None = None
    for record in records:
        if record.timestamp is not None:
            last = record.timestamp
        yield last, record


def fields_match(record: LogRecord, wanted: dict[str, str]) -> bool:
    """Exact match of every wanted structured field."""
    return all(record.fields.get(key) == value for key, value in wanted.items())


def has_filters(query: LogQuery) -> bool:
    """Whether the query filters on anything besides its pattern."""
    return bool(query.since or query.until or query.min_level or query.fields)
