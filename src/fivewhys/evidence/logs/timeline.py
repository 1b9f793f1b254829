"""Timelines across files and services, and turning "since 11:27" into a date from the logs."""

from __future__ import annotations

import heapq
from datetime import date, datetime, time, timezone, tzinfo
from pathlib import Path

from fivewhys.evidence.logs import blocks
from fivewhys.evidence.logs import filters as flt
from fivewhys.evidence.logs import timestamps as ts
from fivewhys.evidence.logs.light import Light
from fivewhys.evidence.logs.model import LogRecord
from fivewhys.evidence.logs.readers import open_log

_DAWN = datetime.min.replace(tzinfo=timezone.utc)
_INFO = ts.LEVEL_RANK["INFO"]


def timeline(
    paths: list[Path],
    since: datetime | None = None,
    until: datetime | None = None,
    min_level: str | None = "WARN",
    identifiers: list[str] | None = None,
    limit: int = 500,
) -> list[LogRecord]:
    """Records of several files merged in time order, for one incident or one request.

    Files may be unsorted or skewed against each other: the merge sorts by timestamp (UTC; naive
    read as UTC). A record without a timestamp sorts right after the previous timestamped record
    of its file, keeping file order.

    Args:
        paths: log files, e.g. one per service.
        since: drop records before this time.
        until: drop records after this time.
        min_level: drop records below this level (None keeps every record, even level-less ones).
        identifiers: keep only records that mention one of these (correlation/trace/request ids),
            in the text or any structured field; empty keeps all.
        limit: the earliest `limit` records are returned (memory stays bounded by it).

    Returns:
        Up to `limit` records in time order.

    Raises:
        InputError: a path is missing or binary, or the level is unknown.
    """
    rank = flt.min_rank(min_level)
    wanted = [i for i in identifiers or [] if i]
    # a max-heap (negated keys) of the `limit` earliest records seen so far
    heap: list[tuple[tuple[float, int, int], int, Light]] = []
    seq = 0
    for file_index, path in enumerate(paths):
        # lean records: only the kept ones are parsed in full and turned into LogRecords; above
        # INFO, the plain INFO-or-below lines are never kept, so they are skipped in blocks
        reader = open_log(path)
        items = blocks.records(blocks.scan(reader)) if rank > _INFO else reader.light_records(lean=True)
        for effective, record in flt.with_effective_time(items):
            if not _keep(record, effective, since, until, rank, wanted):
                continue
            key = _sort_key(effective, file_index, record.line)
            seq += 1
            item = ((-key[0], -key[1], -key[2]), seq, record)
            if len(heap) < limit:
                heapq.heappush(heap, item)
            elif item[0] > heap[0][0]:
                heapq.heapreplace(heap, item)
    ordered = sorted(heap, key=lambda it: (-it[0][0], -it[0][1], -it[0][2]))
    return [record.to_record() for _, _, record in ordered]


def _sort_key(effective: datetime | None, file_index: int, line: int) -> tuple[float, int, int]:
    moment = ts.comparable(effective) if effective is not None else _DAWN
    return ((moment - _DAWN).total_seconds(), file_index, line)


def _keep(
    record: Light, effective: datetime | None, since: datetime | None, until: datetime | None,
    rank: int, wanted: list[str],
) -> bool:
    if rank >= 0 and ts.level_rank(record.level) < rank:
        return False
    if not flt.in_window(effective, since, until):
        return False
    return not wanted or any(i in record.raw or i in record.fields.values() for i in wanted)


def resolve_time_of_day(t: time, paths: list[Path]) -> datetime | None:
    """Give a bare time of day ("since 11:27") the date the logs themselves are about.

    Args:
        t: the time of day, in the logs' own clock.
        paths: the log files.

    Returns:
        `t` on the first date whose records span that time (first record ≤ t ≤ last record of
        that date); else on the last date seen; with the zone of that date's records. None when
        no record has a timestamp.

    Raises:
        InputError: a path is missing or binary.
    """
    spans: dict[date, tuple[time, time, tzinfo | None]] = {}
    order: list[date] = []
    for path in paths:
        for record in open_log(path).records():
            if record.timestamp is None:
                continue
            day, clock = record.timestamp.date(), record.timestamp.time()
            if day not in spans:
                order.append(day)
                spans[day] = (clock, clock, record.timestamp.tzinfo)
            low, high, zone = spans[day]
            spans[day] = (min(low, clock), max(high, clock), zone)
    if not order:
        return None
    chosen = next((d for d in sorted(order) if spans[d][0] <= t.replace(tzinfo=None) <= spans[d][1]), None)
    day = chosen or max(order)
    return datetime.combine(day, t.replace(tzinfo=None), tzinfo=t.tzinfo or spans[day][2])
