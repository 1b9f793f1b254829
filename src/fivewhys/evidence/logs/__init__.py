"""Log evidence: read any log format, search it, summarise it into templates, rates and markers.

Public API (the graph and the tools call exactly these):

    read_records(path) -> Iterator[LogRecord]     stream one file's records (any layout, gzip)
    open_log(path) -> LogReader                    the same, with counters and warnings
    search(paths, query) -> SearchResult           pattern + filters + context, `path:line` cited
    template_of(message) -> str                    mask the variables of one message
    TemplateMiner                                  online template mining
    stats(paths, since, until, onset) -> LogStats  levels, rates, spikes, new templates, deploys
    timeline(paths, since, until, min_level, identifiers, limit) -> list[LogRecord]
    resolve_time_of_day(t, paths) -> datetime | None
    latency_shift(paths, since, until) -> LatencyShift | None   the minutes a request got slow
"""

from __future__ import annotations

from fivewhys.evidence.logs.latency import LatencyShift, latency_shift
from fivewhys.evidence.logs.model import (
    LEVELS,
    LogMatch,
    LogQuery,
    LogRecord,
    LogStats,
    MinuteCount,
    SearchResult,
    Spike,
    TemplateStat,
)
from fivewhys.evidence.logs.readers import LogReader, open_log, read_records
from fivewhys.evidence.logs.search import search
from fivewhys.evidence.logs.stats import stats
from fivewhys.evidence.logs.templates import TemplateMiner, template_of
from fivewhys.evidence.logs.timeline import resolve_time_of_day, timeline

__all__ = [
    "LatencyShift",
    "latency_shift",
    "LEVELS",
    "LogMatch",
    "LogQuery",
    "LogReader",
    "LogRecord",
    "LogStats",
    "MinuteCount",
    "SearchResult",
    "Spike",
    "TemplateMiner",
    "TemplateStat",
    "open_log",
    "read_records",
    "resolve_time_of_day",
    "search",
    "stats",
    "template_of",
    "timeline",
]
