"""Latency shifts: the minutes in which one kind of request took far longer than it usually does.

"Slow since 03:08" incidents often have no error at all: the evidence is a duration in the access
or request log (`… 201 1843ms`, `"duration_ms": 1843`). `latency_shift` streams the records once,
groups them by message template (durations masked), keeps per minute a bounded sample of
durations, and reports the template whose upper quartile rose furthest above its usual median,
with the window and the first slow record (citable as `path:line`).
"""

from __future__ import annotations

import re
from array import array
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from fivewhys.evidence.logs.model import LogRecord
from fivewhys.evidence.logs.readers import read_records
from fivewhys.evidence.logs.templates import template_of
from fivewhys.evidence.logs.timestamps import comparable

FACTOR = 3.0
"""A minute is slow when its upper-quartile duration is at least this many times the usual median."""
MIN_RECORDS = 20
"""Records a template needs before its usual duration means anything."""
MAX_TEMPLATES = 20
"""Templates that carry a duration, followed at once (an access log has one or two)."""
SAMPLE = 16
"""Durations kept per template and minute (the first ones: enough for a quartile). Memory grows with
minutes x templates, about 0.3 KB per template-minute: some 60 MB for a week of 20 templates."""
_DURATION = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?) ?(ms|s|sec|us|µs)(?![\w])")
_DURATION_FIELD = re.compile(r"(?i)(duration|latency|elapsed|took|response_time|request_time)")
_TO_MS = {"ms": 1.0, "s": 1000.0, "sec": 1000.0, "us": 0.001, "µs": 0.001}


@dataclass
class LatencyShift:
    """One template's slow window."""

    template: str
    usual_ms: float
    """The template's median duration over all its records."""
    window_ms: float
    """The highest upper-quartile duration of a minute in the window."""
    start: datetime
    end: datetime
    """Start of the last slow minute."""
    slow_minutes: int
    first_slow: LogRecord
    """The slowest record of the window's first minute."""

    @property
    def label(self) -> str:
        """What was slow, in the log's words: the example's message up to its duration."""
        message = self.first_slow.message
        m = _DURATION.search(message)
        head = (message[:m.start()] if m else message).strip(" :=,")
        return head[:80] or self.template[:80]


@dataclass
class _Series:
    count: int = 0
    slowest: dict[datetime, tuple[float, LogRecord]] = field(default_factory=dict)
    """Per minute, the slowest record seen (the one to cite)."""
    samples: dict[datetime, array[float]] = field(default_factory=lambda: defaultdict(lambda: array("f")))


def duration_ms(record: LogRecord) -> float | None:
    """The record's duration in milliseconds: a duration field, else the first `<n>ms`/`<n>s` in the message."""
    for key, value in record.fields.items():
        if _DURATION_FIELD.search(key):
            m = _DURATION.fullmatch(value.strip()) or re.fullmatch(r"\d+(?:\.\d+)?", value.strip())
            if m is not None:
                unit = m.group(2) if m.re is _DURATION else ("ms" if "ms" in key.lower() else "s")
                return float(m.group(1) if m.re is _DURATION else m.group(0)) * _TO_MS[unit]
    m = _DURATION.search(record.message)
    return float(m.group(1)) * _TO_MS[m.group(2)] if m else None


def latency_shift(paths: list[Path], since: datetime | None = None,
                  until: datetime | None = None) -> LatencyShift | None:
    """The most pronounced latency shift in the logs, or None when no template has one.

    Args:
        paths: log files (any supported layout, gzip).
        since: ignore records before this time (None: from the start).
        until: ignore records after this time.

    Raises:
        InputError: a path is missing or binary.
    """
    series: dict[str, _Series] = {}
    for path in paths:
        for record in read_records(path):
            ts = record.timestamp
            if ts is None or (since and comparable(ts) < comparable(since)) or (
                    until and comparable(until) < comparable(ts)):
                continue
            ms = duration_ms(record)
            if ms is None:
                continue
            key = template_of(_DURATION.sub("<*>", record.message))
            s = series.get(key)
            if s is None:
                if len(series) >= MAX_TEMPLATES:
                    continue
                s = series[key] = _Series()
            s.count += 1
            minute = ts.replace(second=0, microsecond=0)
            if minute not in s.slowest or ms > s.slowest[minute][0]:
                s.slowest[minute] = (ms, record)
            if len(s.samples[minute]) < SAMPLE:
                s.samples[minute].append(ms)
    found = [shift for key, s in series.items() if (shift := _shift(key, s)) is not None]
    return max(found, key=lambda x: x.window_ms / max(x.usual_ms, 1e-3), default=None)


def _shift(template: str, s: _Series) -> LatencyShift | None:
    if s.count < MIN_RECORDS:
        return None
    usual = _quantile(sorted(v for values in s.samples.values() for v in values), 0.5)
    slow = sorted(minute for minute, values in s.samples.items()
                  if _quantile(sorted(values), 0.75) >= FACTOR * max(usual, 1e-3))
    if not slow or len(slow) * 2 > len(s.samples):
        return None  # nothing slow, or slow is what it usually is
    peak = max(_quantile(sorted(s.samples[m]), 0.75) for m in slow)
    return LatencyShift(template=template, usual_ms=usual, window_ms=peak, start=slow[0], end=slow[-1],
                        slow_minutes=len(slow), first_slow=s.slowest[slow[0]][1])


def _quantile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    return values[min(len(values) - 1, int(q * len(values)))]
