"""Search log files: literal or regex, time window, level, fields, context records.

Two paths give the same answers. The streaming path reads every record and applies every filter.
The fast path (a plain file, a pattern) finds candidate lines with ripgrep when it is installed,
else scans the memory-mapped bytes with a C-level `find` or a compiled bytes regex, and only turns
the hits into records — see fastscan.py and ripgrep.py.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime
from pathlib import Path

from fivewhys.evidence.logs import fastscan
from fivewhys.evidence.logs import filters as flt
from fivewhys.evidence.logs import timestamps as ts
from fivewhys.evidence.logs.model import LogMatch, LogQuery, LogRecord, SearchResult
from fivewhys.evidence.logs.readers import LogReader, open_log


def search(paths: list[Path], query: LogQuery, *, use_ripgrep: bool = True) -> SearchResult:
    """Find the records that match a query across log files, in file order.

    Args:
        paths: log files (plain or gzip, any supported layout).
        query: pattern (literal or regex, optionally case-insensitive) and filters (time window,
            minimum level, exact structured fields), context records and the match cap.
        use_ripgrep: find candidate lines with `rg` when it is installed (same results, faster).

    Returns:
        Up to `query.max_matches` matches with their context; `total_matches` counts all of them.

    Raises:
        InputError: a path is missing or binary, the regex is invalid, or the level is unknown.
    """
    result = SearchResult()
    flt.min_rank(query.min_level)  # validate before reading anything
    flt.text_matcher(query)
    for path in paths:
        reader = open_log(path)
        if fastscan.applicable(reader, query, use_ripgrep):
            fastscan.scan(reader, query, result, use_ripgrep)
        else:
            _stream(reader, query, result)
        result.unparsed_lines += reader.unparsed_lines
        result.warnings.extend(reader.warnings)
    return result


def record_matches(
    record: LogRecord, effective: datetime | None, query: LogQuery, rank: int, text_ok: bool
) -> bool:
    """Every filter of the query except the pattern (`text_ok` carries the pattern's verdict).

    `effective` is the record's timestamp, or its predecessor's when it has none.
    """
    if not text_ok:
        return False
    if not flt.in_window(effective, query.since, query.until):
        return False
    if rank >= 0 and ts.level_rank(record.level) < rank:
        return False
    return flt.fields_match(record, query.fields)


def _stream(reader: LogReader, query: LogQuery, result: SearchResult) -> None:
    matcher = flt.text_matcher(query)
    rank = flt.min_rank(query.min_level)
    before: deque[LogRecord] = deque(maxlen=query.context or 1)
    waiting: list[LogMatch] = []  # matches still collecting `after` context
    for effective, record in flt.with_effective_time(reader.records()):
        result.scanned_records += 1
        for match in waiting:
            match.after.append(record)
        waiting = [m for m in waiting if len(m.after) < query.context]
        text_ok = matcher is None or matcher(record.raw)
        if record_matches(record, effective, query, rank, text_ok):
            result.total_matches += 1
            if len(result.matches) < query.max_matches:
                match = LogMatch(record=record, before=list(before) if query.context else [])
                result.matches.append(match)
                if query.context:
                    waiting.append(match)
        if query.context:
            before.append(record)
