"""What changed: level counts, error rates per minute, spikes, new templates, deploy markers.

Everything streams: memory grows with the number of distinct templates and of minutes, never
with the number of records. Minute buckets are keyed in UTC (naive stamps read as UTC) so files
with and without zones share one clock.

The hot loop reads lazily parsed `Light` records (most lines only give their timestamp and level,
see light.py); only WARN-or-worse records are mined into templates (they are what top, new and
spiking templates report), and a pydantic `LogRecord` is built only for the records returned.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from fivewhys.evidence.logs import blocks
from fivewhys.evidence.logs import filters as flt
from fivewhys.evidence.logs import timestamps as ts
from fivewhys.evidence.logs.light import Light, fast_stamp
from fivewhys.evidence.logs.model import (
    LogRecord,
    LogStats,
    MinuteCount,
    Spike,
    TemplateRate,
    TemplateSpike,
    TemplateStat,
)
from fivewhys.evidence.logs.readers import open_log
from fivewhys.evidence.logs.templates import TemplateMiner

TOP_TEMPLATES = 20
MAX_MARKERS = 50
MAX_NEW_TEMPLATES = 50
MAX_TEMPLATE_SPIKES = 50
MAX_RATED_TEMPLATES = 2000
"""Templates whose per-minute counts are kept (memory bound on logs with endless templates)."""
SPIKE_SIGMAS = 3.0
SPIKE_MIN_EXCESS = 3
"""A spike must also exceed the baseline mean by this many errors (a quiet baseline has σ = 0)."""
BASELINE_MINUTES = 30
MAX_SERIES_MINUTES = 60 * 24 * 62
"""Spikes are looked for in the first two months of minutes at most."""
_MINUTE = timedelta(minutes=1)
_MINUTE_END = timedelta(seconds=59, microseconds=999999)
_WARN = ts.LEVEL_RANK["WARN"]
_ERROR = ts.LEVEL_RANK["ERROR"]

_DEPLOY = re.compile(
    r"\b(?:deploy(?:ed|ing|ment)?|re-?deploy(?:ed)?|released?|releasing|rolling (?:out|update|restart)"
    r"|roll(?:ed)? ?(?:out|back)|rollout|upgrad(?:ed|ing) to|booting worker|restart(?:ed|ing)"
    r"|starting \S+(?: \S+)? v?\d+\.\d+(?:\.\d+)?\S*|version[\s=:]+\"?v?\d+\.\d+\S*)",
    re.IGNORECASE,
)


def is_deploy_marker(record: LogRecord) -> bool:
    """Whether a record announces a deploy, release, rollout, restart or a version."""
    return _DEPLOY.search(record.message.split("\n", 1)[0]) is not None


def _key(moment: datetime) -> datetime:
    """`ts.comparable`, inlined for the hot loop."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def _minute(moment: datetime) -> datetime:
    """`_key(moment)` floored to its minute, in one `replace`."""
    if moment.tzinfo is None:
        return moment.replace(second=0, microsecond=0, tzinfo=timezone.utc)
    return moment.replace(second=0, microsecond=0)


@dataclass
class _TemplateTrack:
    count: int = 0
    errors: int = 0
    first: Light | None = None
    first_error: Light | None = None
    last_seen: datetime | None = None
    minutes: dict[datetime, int] | None = None


@dataclass
class _Accumulator:
    since: datetime | None
    until: datetime | None
    out: LogStats
    miner: TemplateMiner = field(default_factory=TemplateMiner)
    tracks: dict[int, _TemplateTrack] = field(default_factory=dict)
    error_minutes: dict[datetime, int] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    sig_versions: dict[tuple[bytes, ...], tuple[str, str | None]] = field(default_factory=dict)
    """What a lean sig means: (service, version), learned the first time the sig is parsed."""
    records: int = 0
    levels: dict[str, int] = field(default_factory=dict)
    file_index: int = 0
    first: tuple[datetime, tuple[int, int], datetime] | None = None
    """(key, (file, line), stamp) of the earliest stamp; the first in file order among equal keys."""
    last: tuple[datetime, tuple[int, int], datetime] | None = None
    """(key, (-file, -line), stamp) of the latest stamp; likewise the first in file order."""
    first_warning: Light | None = None
    last_warning: Light | None = None
    first_error: Light | None = None
    markers: list[Light] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.since_key = _key(self.since) if self.since is not None else None
        self.until_key = _key(self.until) if self.until is not None else None
        self.windowed = self.since is not None or self.until is not None

    def inside(self, effective: datetime | None) -> bool:
        if not self.windowed:
            return True
        if effective is None:
            return False
        key = _key(effective)
        return not ((self.since_key is not None and key < self.since_key)
                    or (self.until_key is not None and key > self.until_key))

    def add(self, effective: datetime | None, record: Light) -> None:
        inside = self.inside(effective)
        rank = ts.LEVEL_RANK.get(record.level, -1) if record.level is not None else -1
        if rank >= _WARN:
            minute = None if effective is None else _minute(effective)
            self._track_template(record, effective, minute, rank >= _ERROR and inside)
            if rank >= _ERROR and minute is not None:
                self.error_minutes[minute] = self.error_minutes.get(minute, 0) + 1
        if inside:
            self._count(record, rank)

    def _track_template(self, record: Light, effective: datetime | None, minute: datetime | None, error: bool) -> None:
        template_id = self.miner.add(record.first_message_line)
        track = self.tracks.get(template_id)
        if track is None:
            track = self.tracks[template_id] = _TemplateTrack(first=record)
            if len(self.tracks) <= MAX_RATED_TEMPLATES:
                track.minutes = {}
        track.count += 1
        track.last_seen = effective or track.last_seen
        if track.minutes is not None and minute is not None:
            track.minutes[minute] = track.minutes.get(minute, 0) + 1
        if error:
            track.errors += 1
            track.first_error = track.first_error or record

    def _count(self, record: Light, rank: int) -> None:
        self.records += 1
        key = record.level or "NONE"
        self.levels[key] = self.levels.get(key, 0) + 1
        if record.timestamp is not None:
            self._bound(record.timestamp, record.line)
        if rank >= _WARN:
            self.first_warning = self.first_warning or record
            self.last_warning = record
            if rank >= _ERROR:
                self.first_error = self.first_error or record
        if len(self.markers) < MAX_MARKERS and self._is_marker(record):
            self.markers.append(record)

    def _bound(self, stamp: datetime, line: int) -> None:
        """Offer a stamp (of `line` of the current file) as the first and the last one."""
        order = _key(stamp)
        first = (order, (self.file_index, line), stamp)
        if self.first is None or first[:2] < self.first[:2]:
            self.first = first
        last = (order, (-self.file_index, -line), stamp)
        if self.last is None or self.last[:2] < last[:2]:
            self.last = last

    def _state(self, minute: datetime) -> str:
        """Whether the records of a minute (UTC start) are all inside the window, all out, or some."""
        if not self.windowed:
            return "in"
        end = minute + _MINUTE_END
        since, until = self.since_key, self.until_key
        if (since is not None and end < since) or (until is not None and until < minute):
            return "out"
        inside = (since is None or since <= minute) and (until is None or end <= until)
        return "in" if inside else "edge"

    def versions_fit(self, seen: dict[str, set[str]]) -> bool:
        """Whether a block's plain lines (service -> its one version) can change no version."""
        return all(self.versions.get(service, v) == v for service, values in seen.items() for v in values)

    def add_bulk(self, bulk: blocks.Bulk) -> None:
        """Count a block's plain INFO-or-below lines (see blocks.py), exactly as `add` would."""
        states = {self._state(bulk.minute_keys[(k[0], k[1])]) for k in bulk.groups}
        if states <= {"out"}:
            return
        if states == {"in"} and self._bulk_bounds(bulk):
            for (_, _, token, service, version), n in bulk.groups.items():
                if n > 0:
                    self._count_plain(bulk.level(token), n, service, version)
            return
        for line, (_, _, token, service, version), raw in bulk.plain_lines():
            stamp = fast_stamp(raw)
            if stamp is not None and self.inside(stamp):  # never None: the minute parsed
                self._count_plain(bulk.level(token), 1, service, version)
                self._bound(stamp, line)

    def _count_plain(self, level: str, n: int, service: bytes | None, version: bytes | None) -> None:
        self.records += n
        self.levels[level] = self.levels.get(level, 0) + n
        if version is not None:
            self.versions.setdefault((service or b"").decode(), version.decode())

    def _bulk_bounds(self, bulk: blocks.Bulk) -> bool:
        """First/last stamps of a block whose plain lines are all inside, by comparing their bytes;
        False when their forms differ (zone, `T`, fraction length or separator) and bytes would not
        sort as time."""
        zones = {k[1] for k in bulk.groups}
        if len(zones) != 1 or len({k[0][10:11] for k in bulk.groups}) != 1:
            return False
        stamps: list[bytes] = list(map(bulk.shape.getter("stamp"), bulk.items))
        joined = b"".join(stamps)
        if len(set(map(len, stamps)) - {0}) != 1 or (b"," in joined and b"." in joined):
            return False
        zone, minutes = zones.pop(), [bulk.minute_keys[(k[0], k[1])] for k in bulk.groups]
        if self.first is None or min(minutes) <= self.first[0]:
            self._bound_at(bulk, stamps, min(filter(None, stamps)), zone)
        if self.last is None or self.last[0] <= max(minutes) + _MINUTE_END:
            self._bound_at(bulk, stamps, max(stamps), zone)
        return True

    def _bound_at(self, bulk: blocks.Bulk, stamps: list[bytes], best: bytes, zone: bytes) -> None:
        stamp = fast_stamp(best + zone)
        if stamp is not None:
            self._bound(stamp, bulk.first_line + stamps.index(best))

    def _is_marker(self, record: Light) -> bool:
        deploy = record.hint is not False and _DEPLOY.search(record.first_message_line) is not None
        service, version = self._version(record)
        changed = version is not None and self.versions.get(service, version) != version
        if version is not None:
            self.versions[service] = version
        return changed or deploy

    def _version(self, record: Light) -> tuple[str, str | None]:
        """(service, version) of a record; a lean record's from its sig when seen before."""
        sig = record.sig
        known = self.sig_versions.get(sig) if sig is not None else None
        if known is not None:
            return known
        found = record.fields.get("service", ""), record.fields.get("version")
        if sig is not None and len(self.sig_versions) < 4096:
            self.sig_versions[sig] = found
        return found


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
    return _stats(paths, since, until, onset, lean=True, use_blocks=True)


def _stats(
    paths: list[Path], since: datetime | None, until: datetime | None, onset: datetime | None, lean: bool,
    use_blocks: bool = False,
) -> LogStats:
    """`stats`; `lean=False` parses every line fully (the reference the lean and block paths must
    equal); `use_blocks` counts plain lines per block (blocks.py)."""
    acc = _Accumulator(since, until, LogStats(files=list(paths)))
    until_key = acc.until_key
    for acc.file_index, path in enumerate(paths):
        reader = open_log(path)
        effective: datetime | None = None
        items = blocks.scan(reader, acc.versions_fit) if use_blocks else reader.light_records(lean=lean)
        for record in items:
            if isinstance(record, blocks.Bulk):
                acc.add_bulk(record)
                continue
            if record.timestamp is not None:
                effective = record.timestamp
            if until_key is not None and effective is not None and until_key < _key(effective):
                continue
            acc.add(effective, record)
        acc.out.unparsed_lines += reader.unparsed_lines
        acc.out.warnings.extend(reader.warnings)
    return _finish(acc, onset)


def _record(light: Light | None) -> LogRecord | None:
    return light.to_record() if light is not None else None


def _finish(acc: _Accumulator, onset: datetime | None) -> LogStats:
    out = acc.out
    out.records, out.levels = acc.records, acc.levels
    out.first_timestamp = acc.first[2] if acc.first else None
    out.last_timestamp = acc.last[2] if acc.last else None
    out.first_warning, out.last_warning = _record(acc.first_warning), _record(acc.last_warning)
    out.first_error = _record(acc.first_error)
    out.deploy_markers = [m.to_record() for m in acc.markers]
    minutes = sorted(acc.error_minutes.items())
    out.errors_per_minute = _in_window(acc, minutes)
    out.spikes = find_spikes(minutes)
    out.onset = onset or acc.since or (out.spikes[0].minute if out.spikes else None)
    out.top_error_templates = _top_errors(acc)
    out.new_templates = _new_templates(acc, out.onset)
    out.template_spikes = _template_spikes(acc)
    out.template_rates = _template_rates(acc, out)
    return out


def _in_window(acc: _Accumulator, minutes: list[tuple[datetime, int]]) -> list[MinuteCount]:
    return [MinuteCount(minute=m, count=c) for m, c in minutes if flt.in_window(m, _floor(acc.since), acc.until)]


def _floor(moment: datetime | None) -> datetime | None:
    return None if moment is None else ts.comparable(moment).replace(second=0, microsecond=0)


def _stat(acc: _Accumulator, template_id: int, count: int, first: Light) -> TemplateStat:
    last = acc.tracks[template_id].last_seen
    return TemplateStat(template=acc.miner.template(template_id), count=count, first=first.to_record(),
                        last_seen=last)


def _top_errors(acc: _Accumulator) -> list[TemplateStat]:
    errors = [(tid, t) for tid, t in acc.tracks.items() if t.errors and t.first_error is not None]
    errors.sort(key=lambda pair: -pair[1].errors)
    return [_stat(acc, tid, t.errors, t.first_error) for tid, t in errors[:TOP_TEMPLATES] if t.first_error]


def _new_templates(acc: _Accumulator, onset: datetime | None) -> list[TemplateStat]:
    if onset is None:
        return []
    onset_key = _key(onset)
    new = []
    for tid, track in acc.tracks.items():
        first = track.first
        if first is not None and first.timestamp is not None and not _key(first.timestamp) < onset_key:
            new.append((_key(first.timestamp), tid, track, first))
    new.sort(key=lambda item: item[0])
    return [_stat(acc, tid, track.count, first) for _, tid, track, first in new[:MAX_NEW_TEMPLATES]]


def _template_spikes(acc: _Accumulator) -> list[TemplateSpike]:
    found: list[tuple[datetime, int, TemplateSpike]] = []
    for tid, track in acc.tracks.items():
        if not track.minutes or track.first is None or max(track.minutes.values()) < SPIKE_MIN_EXCESS:
            continue
        for spike in find_spikes(sorted(track.minutes.items())):
            if flt.in_window(spike.minute, _floor(acc.since), acc.until):
                found.append((spike.minute, tid, TemplateSpike(
                    template=acc.miner.template(tid), first=track.first.to_record(), **spike.model_dump())))
    found.sort(key=lambda item: (item[0], item[1]))
    return [spike for _, _, spike in found[:MAX_TEMPLATE_SPIKES]]


def _template_rates(acc: _Accumulator, out: LogStats) -> list[TemplateRate]:
    wanted = [t.template for t in out.top_error_templates + out.new_templates]
    wanted += [s.template for s in out.template_spikes]
    by_template = {acc.miner.template(tid): track for tid, track in acc.tracks.items() if track.minutes}
    rates = []
    for template in dict.fromkeys(wanted):
        track = by_template.get(template)
        if track is not None and track.minutes:
            rates.append(TemplateRate(template=template, per_minute=_in_window(acc, sorted(track.minutes.items()))))
    return rates[:TOP_TEMPLATES * 2]


def find_spikes(minutes: list[tuple[datetime, int]]) -> list[Spike]:
    """Minutes whose count exceeds mean + 3σ of the quiet minutes before them.

    The baseline is the previous `BASELINE_MINUTES` minutes (empty minutes count as zero, at
    least 5 of them since the first counted minute), excluding minutes already flagged, so a long
    incident does not raise its own baseline. Only minutes with at least `SPIKE_MIN_EXCESS`
    records can spike, so the work grows with busy minutes, not with the length of the log.

    Args:
        minutes: (minute start, count) pairs in time order; missing minutes are zero.

    Returns:
        The spike minutes in time order.
    """
    if not minutes:
        return []
    counts = dict(minutes)
    start = minutes[0][0]
    horizon = start + MAX_SERIES_MINUTES * _MINUTE
    flagged: set[datetime] = set()
    spikes: list[Spike] = []
    for minute, count in minutes:
        if minute >= horizon:
            break
        if count < SPIKE_MIN_EXCESS:
            continue
        window = []
        for back in range(1, BASELINE_MINUTES + 1):
            earlier = minute - back * _MINUTE
            if earlier < start:
                break
            if earlier not in flagged:
                window.append(counts.get(earlier, 0))
        if len(window) < 5:
            continue
        mean = statistics.fmean(window)
        std = statistics.pstdev(window)
        if count > mean + SPIKE_SIGMAS * std and count >= mean + SPIKE_MIN_EXCESS:
            flagged.add(minute)
            spikes.append(Spike(minute=minute, count=count, baseline_mean=mean, baseline_std=std))
    return spikes
