"""What changed: level counts, error rates per minute, spikes, new templates, deploy markers.

Everything streams: memory grows with the number of distinct templates and of minutes, never
with the number of records. Minute buckets are keyed in UTC (naive stamps read as UTC) so files
with and without zones share one clock.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from fivewhys.evidence.logs import filters as flt
from fivewhys.evidence.logs import timestamps as ts
from fivewhys.evidence.logs.model import LogRecord, LogStats, MinuteCount, Spike, TemplateStat
from fivewhys.evidence.logs.readers import open_log
from fivewhys.evidence.logs.templates import TemplateMiner

TOP_TEMPLATES = 20
MAX_MARKERS = 50
MAX_NEW_TEMPLATES = 50
SPIKE_SIGMAS = 3.0
SPIKE_MIN_EXCESS = 3
"""A spike must also exceed the baseline mean by this many errors (a quiet baseline has σ = 0)."""
BASELINE_MINUTES = 30
_MINUTE = timedelta(minutes=1)

_DEPLOY = re.compile(
    r"\b(?:deploy(?:ed|ing|ment)?|re-?deploy(?:ed)?|released?|releasing|rolling (?:out|update|restart)"
    r"|roll(?:ed)? ?(?:out|back)|rollout|upgrad(?:ed|ing) to|booting worker|restart(?:ed|ing)"
    r"|starting \S+(?: \S+)? v?\d+\.\d+(?:\.\d+)?\S*|version[\s=:]+\"?v?\d+\.\d+\S*)",
    re.IGNORECASE,
)


def is_deploy_marker(record: LogRecord) -> bool:
    """Whether a record announces a deploy, release, rollout, restart or a version."""
    return _DEPLOY.search(record.message.split("\n", 1)[0]) is not None


@dataclass
class _TemplateTrack:
    count: int = 0
    errors: int = 0
    first: LogRecord | None = None
    first_error: LogRecord | None = None
    last_seen: datetime | None = None


@dataclass
class _Accumulator:
    since: datetime | None
    until: datetime | None
    out: LogStats
    miner: TemplateMiner = field(default_factory=TemplateMiner)
    tracks: dict[int, _TemplateTrack] = field(default_factory=dict)
    error_minutes: dict[datetime, int] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)

    def add(self, effective: datetime | None, record: LogRecord) -> None:
        inside = flt.in_window(effective, self.since, self.until)
        is_error = ts.level_rank(record.level) >= ts.LEVEL_RANK["ERROR"]
        self._track_template(record, effective, is_error and inside)
        if is_error and effective is not None:
            minute = ts.comparable(effective).replace(second=0, microsecond=0)
            self.error_minutes[minute] = self.error_minutes.get(minute, 0) + 1
        if inside:
            self._count(record, is_error)

    def _track_template(self, record: LogRecord, effective: datetime | None, error: bool) -> None:
        track = self.tracks.setdefault(self.miner.add(record.message), _TemplateTrack())
        track.count += 1
        track.last_seen = effective or track.last_seen
        if track.first is None:
            track.first = record
        if error:
            track.errors += 1
            track.first_error = track.first_error or record

    def _count(self, record: LogRecord, is_error: bool) -> None:
        out = self.out
        out.records += 1
        key = record.level or "NONE"
        out.levels[key] = out.levels.get(key, 0) + 1
        if record.timestamp is not None:
            if out.first_timestamp is None or _before(record.timestamp, out.first_timestamp):
                out.first_timestamp = record.timestamp
            if out.last_timestamp is None or _before(out.last_timestamp, record.timestamp):
                out.last_timestamp = record.timestamp
        if ts.level_rank(record.level) >= ts.LEVEL_RANK["WARN"]:
            out.first_warning = out.first_warning or record
            out.last_warning = record
        if is_error:
            out.first_error = out.first_error or record
        if len(out.deploy_markers) < MAX_MARKERS and self._is_marker(record):
            out.deploy_markers.append(record)

    def _is_marker(self, record: LogRecord) -> bool:
        version = record.fields.get("version")
        service = record.fields.get("service", "")
        changed = version is not None and self.versions.get(service, version) != version
        if version is not None:
            self.versions[service] = version
        return changed or is_deploy_marker(record)


def _before(a: datetime, b: datetime) -> bool:
    return ts.comparable(a) < ts.comparable(b)


def stats(
    paths: list[Path],
    since: datetime | None = None,
    until: datetime | None = None,
    onset: datetime | None = None,
) -> LogStats:
    """Summarise log files: what happened, how often, what is new, what spiked, what was deployed.

    Args:
        paths: log files (plain or gzip, any supported layout).
        since: start of the window of interest (counts, first records, markers); None: the start.
        until: end of the window; None: the end. Records after it are ignored entirely.
        onset: when the incident started, for `new_templates`; default `since`, else the first
            spike. Records before the window still count as the baseline for spikes and templates.

    Returns:
        A LogStats; bounded in size (top templates, markers and new templates are capped).

    Raises:
        InputError: a path is missing or binary.
    """
    acc = _Accumulator(since, None, LogStats(files=list(paths)))
    acc.until = until
    for path in paths:
        reader = open_log(path)
        for effective, record in flt.with_effective_time(reader.records()):
            if until is not None and effective is not None and _before(until, effective):
                continue
            acc.add(effective, record)
        acc.out.unparsed_lines += reader.unparsed_lines
        acc.out.warnings.extend(reader.warnings)
    return _finish(acc, onset)


def _finish(acc: _Accumulator, onset: datetime | None) -> LogStats:
    out = acc.out
    minutes = sorted(acc.error_minutes.items())
    out.errors_per_minute = [
        MinuteCount(minute=m, count=c) for m, c in minutes if flt.in_window(m, _floor(acc.since), acc.until)
    ]
    out.spikes = find_spikes(minutes)
    out.onset = onset or acc.since or (out.spikes[0].minute if out.spikes else None)
    out.top_error_templates = _top_errors(acc)
    out.new_templates = _new_templates(acc, out.onset)
    return out


def _floor(moment: datetime | None) -> datetime | None:
    return None if moment is None else ts.comparable(moment).replace(second=0, microsecond=0)


def _stat(acc: _Accumulator, template_id: int, count: int, first: LogRecord) -> TemplateStat:
    last = acc.tracks[template_id].last_seen
    return TemplateStat(template=acc.miner.template(template_id), count=count, first=first, last_seen=last)


def _top_errors(acc: _Accumulator) -> list[TemplateStat]:
    errors = [(tid, t) for tid, t in acc.tracks.items() if t.errors and t.first_error is not None]
    errors.sort(key=lambda pair: -pair[1].errors)
    return [_stat(acc, tid, t.errors, t.first_error) for tid, t in errors[:TOP_TEMPLATES] if t.first_error]


def _new_templates(acc: _Accumulator, onset: datetime | None) -> list[TemplateStat]:
    if onset is None:
        return []
    new = []
    for tid, track in acc.tracks.items():
        first = track.first
        if first is not None and first.timestamp is not None and not _before(first.timestamp, onset):
            new.append(_stat(acc, tid, track.count, first))
    new.sort(key=lambda s: ts.comparable(s.first.timestamp) if s.first.timestamp else datetime.min)
    return new[:MAX_NEW_TEMPLATES]


def find_spikes(minutes: list[tuple[datetime, int]]) -> list[Spike]:
    """Minutes whose count exceeds mean + 3σ of the quiet minutes before them.

    The baseline is the previous `BASELINE_MINUTES` minutes (empty minutes count as zero),
    excluding minutes already flagged, so a long incident does not raise its own baseline.

    Args:
        minutes: (minute start, error count) pairs in time order; missing minutes are zero.

    Returns:
        The spike minutes in time order.
    """
    if not minutes:
        return []
    counts = dict(minutes)
    start, end = minutes[0][0], minutes[-1][0]
    series: list[tuple[datetime, int]] = []
    moment = start
    while moment <= end and len(series) < 60 * 24 * 62:  # two months of minutes at most
        series.append((moment, counts.get(moment, 0)))
        moment = moment.replace(second=0) + _MINUTE
    spikes: list[Spike] = []
    flagged: set[int] = set()
    for index, (minute, count) in enumerate(series):
        window = [c for i, (_, c) in enumerate(series[max(0, index - BASELINE_MINUTES):index],
                                                start=max(0, index - BASELINE_MINUTES)) if i not in flagged]
        if len(window) < 5:
            continue
        mean = statistics.fmean(window)
        std = statistics.pstdev(window)
        if count > mean + SPIKE_SIGMAS * std and count >= mean + SPIKE_MIN_EXCESS:
            flagged.add(index)
            spikes.append(Spike(minute=minute, count=count, baseline_mean=mean, baseline_std=std))
    return spikes

