"""Block scanning: read a file in 4 MB blocks and summarise its plain INFO/DEBUG lines in bulk.

Most lines of a big log are "plain": a lean-readable record start (ISO-stamped text, or flat JSON
of the file's own key order) at INFO level or below, with no deploy word and no version news.
One compiled bytes regex (`findall`, one tuple per line) reads every line's stamp and level per
block; plain lines are counted per (minute, zone, level[, service, version]) group with a C-level
`Counter`. Every other line — warnings, continuation lines, lines the regex is unsure of, lines
with a deploy word, non-ASCII lines — is fed, in order, to the same `Assembler` a line-by-line read
uses, together with the plain line just before it (so continuations, effective timestamps and
record ends stay exact). A block the bulk rules cannot vouch for is read line by line entirely.
"""

from __future__ import annotations

import json
import sys
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from operator import itemgetter
from typing import Any

from fivewhys.evidence.logs import ripgrep
from fivewhys.evidence.logs import timestamps as ts
from fivewhys.evidence.logs.light import _DEPLOY_HINT, _LEVEL_KEYS, _TIME_KEYS, Light, _token_level, json_line
from fivewhys.evidence.logs.model import LogQuery
from fivewhys.evidence.logs.readers import Assembler, LogReader, is_gzip

BLOCK = 4 << 20
_TOKENS = [b"INFO", b"Info", b"info", b"DEBUG", b"Debug", b"debug", b"TRACE", b"Trace", b"trace"]
_LEVEL_OF = {token: _token_level(token) or "" for token in _TOKENS}
_PLAIN_TOKENS = b"|".join(t for t in _TOKENS if ts.LEVEL_RANK.get(_LEVEL_OF[t], 9) < ts.LEVEL_RANK["WARN"])
_MINUTE = rb"(\d{4}-\d{2}-\d{2}[T ](?:[01]\d|2[0-3]):[0-5]\d)"
_STAMP = rb"(" + _MINUTE + rb":[0-5]\d(?:[.,]\d{1,6})?)(Z|[+-]\d{2}:\d{2})?"
"""Groups: stamp without zone, minute, zone. `light.fast_stamp` reads all of it. (Each group costs a
bytes object per line: findall's allocations are most of its time, so nothing else is captured.)"""
_TEXT = re.compile(rb"^(" + _STAMP + rb" (?:(" + _PLAIN_TOKENS + rb")(?=[ \r\n])|)[^\n]*|[^\n]*)\n", re.M)
"""One tuple per line; the level group is empty unless the line is plain, the stamp groups empty
unless it starts with a stamp (then it starts a record with its own time, whatever its level)."""
_VALUE = rb'[^"\\\n\x00-\x1f\x7f-\xff{}\[\]]*'
_SENSITIVE_KEYS = (*_TIME_KEYS, *_LEVEL_KEYS, "service", "service.name", "serviceName", "version",
                   "service.version")
_SIG_PAIR = re.compile(rb'"(service|service\.name|serviceName|version|service\.version)"\s*:\s*("[^"]*"|[^,}\s]+)')
_NOT_SENSITIVE = b'(?!(?:' + b"|".join(re.escape(k.encode()) for k in _SENSITIVE_KEYS) + b')")'
_REST = (rb'(?:, ?"' + _NOT_SENSITIVE + _VALUE + rb'": ?(?:"' + _VALUE + rb'"|true|false|null'
         rb'|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?))*\}\r?')


@dataclass
class Shape:
    """How the plain lines of one file look: the regex and which group holds what."""

    pattern: re.Pattern[bytes]
    roles: dict[str, int]
    """Group index (0-based, of findall tuples) of line, stamp, minute, zone, level, service, version."""

    def getter(self, *names: str) -> Callable[[tuple[bytes, ...]], Any]:
        return itemgetter(*(self.roles[n] for n in names))


_TEXT_SHAPE = Shape(_TEXT, {"line": 0, "stamp": 1, "minute": 2, "zone": 3, "level": 4})


def json_shape(sample: list[bytes]) -> Shape | None:
    """The plain-line regex of a JSON-lines file, in the key order of its first lean line."""
    line = next((raw for raw in sample if json_line(raw) is not None), None)
    if line is None:
        return None
    pairs: list[tuple[str, object]] = json.loads(line, object_pairs_hook=list)
    keys = [k for k, _ in pairs]
    time_key = next((k for k in _TIME_KEYS if k in keys), None)
    level_key = next((k for k in _LEVEL_KEYS if k in keys), None)
    if time_key is None or level_key is None or len(set(keys)) != len(keys):
        return None
    wanted = {time_key, level_key} | ({"service", "version"} & set(keys))
    prefix = pairs[: max(keys.index(k) for k in wanted) + 1]
    if not all(isinstance(v, str) for _, v in prefix):
        return None
    parts, roles, group = [], {"line": 0}, 1
    for key, _ in prefix:
        if key == time_key:
            value, group = _STAMP, group + 3
            roles.update(stamp=group - 3, minute=group - 2, zone=group - 1)
        elif key == level_key:
            value, roles["level"], group = b"(?:(" + _PLAIN_TOKENS + b")|" + _VALUE + b")", group, group + 1
        elif key in ("service", "version"):
            value, roles[key], group = b"(" + _VALUE + b")", group, group + 1
        else:
            value = _VALUE
        parts.append(b'"' + re.escape(key.encode()) + b'": ?"' + value + b'"')
    body = rb"\{" + rb", ?".join(parts) + _REST
    pattern = re.compile(rb"^(" + body + rb"|[^\n]*)\n", re.M)
    return Shape(pattern, roles)


def shape_of(reader: LogReader) -> Shape | None:
    """The plain-line shape of a file the block scanner can read, else None (line by line)."""
    if len(reader.layouts) != 1 or is_gzip(reader.path):
        return None
    if reader.layouts[0] == "iso":
        return _TEXT_SHAPE
    if reader.layouts[0] == "json":
        with reader.path.open("rb") as fh:
            return json_shape(fh.read(1 << 18).split(b"\n")[:200])
    return None


GroupKey = tuple[bytes, bytes, bytes, bytes | None, bytes | None]
"""(minute, zone, level token, service, version) of plain lines counted together."""
VersionCheck = Callable[[dict[str, set[str]]], bool]
"""Whether versions seen in a block (service -> values) can change nothing (stats' rule)."""


@dataclass
class Bulk:
    """The plain lines of one block, summarised; the lines in `exact` were also fed one by one."""

    shape: Shape
    items: list[tuple[bytes, ...]]
    first_line: int
    """Line number of items[0]."""
    groups: Counter[GroupKey]
    minute_keys: dict[tuple[bytes, bytes], datetime]
    """UTC start of each (minute, zone) group."""
    exact: set[int] = field(default_factory=set)

    def level(self, token: bytes) -> str:
        return _LEVEL_OF[token]

    def plain_lines(self) -> Iterator[tuple[int, GroupKey, bytes]]:
        """(line number, group, full stamp) of each plain line not read exactly (the slow way)."""
        key = _group_getter(self.shape)
        stamp, level = self.shape.getter("stamp", "zone"), self.shape.roles["level"]
        for index, item in enumerate(self.items):
            if item[level] and index not in self.exact:
                yield self.first_line + index, key(item), b"".join(stamp(item))


def _group_getter(shape: Shape) -> Callable[[tuple[bytes, ...]], GroupKey]:
    base = shape.getter("minute", "zone", "level")
    svc = shape.roles.get("service")
    ver = shape.roles.get("version")

    def key(item: tuple[bytes, ...]) -> GroupKey:
        minute, zone, level = base(item)
        return minute, zone, level, None if svc is None else item[svc], None if ver is None else item[ver]

    if svc is None and ver is None:
        return lambda item: (*base(item), None, None)
    return key


def _count_groups(shape: Shape, items: list[tuple[bytes, ...]]) -> Counter[GroupKey]:
    """Plain lines per group, counted in C (a key function per line would cost more than the count)."""
    names = [name for name in ("minute", "zone", "level", "service", "version") if name in shape.roles]
    groups: Counter[GroupKey] = Counter()
    for values, n in Counter(map(shape.getter(*names), items)).items():
        found = dict(zip(names, values))
        if found["level"]:
            groups[(found["minute"], found["zone"], found["level"], found.get("service"), found.get("version"))] = n
    return groups


_MINUTE_KEYS: dict[tuple[bytes, bytes], datetime | None] = {}


def minute_key(minute: bytes, zone: bytes) -> datetime | None:
    """UTC start of a minute as plain lines write it (naive read as UTC); None: not a real date."""
    if (minute, zone) in _MINUTE_KEYS:
        return _MINUTE_KEYS[(minute, zone)]
    found: datetime | None = None
    try:
        moment = datetime.fromisoformat((minute + zone).decode())
        found = moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)
    except ValueError:
        pass
    if len(_MINUTE_KEYS) > 100_000:
        _MINUTE_KEYS.clear()
    _MINUTE_KEYS[(minute, zone)] = found
    return found


def scan(reader: LogReader, versions_ok: VersionCheck | None = None) -> Iterator[Light | Bulk]:
    """The records of a file (lean), with its plain lines summarised in `Bulk`s after their block.

    Args:
        reader: an open log.
        versions_ok: for JSON, whether a block's (service, version) values may be counted in bulk;
            None: versions do not matter to the caller.

    Yields:
        Light records in file order; after each block's records, the Bulk of its other lines.
    """
    shape = shape_of(reader)
    if shape is None:
        yield from reader.light_records(lean=True)
        return
    assembler = Assembler(reader, lean=True)
    hints = _Hints(reader)
    number, carry = 1, b""
    with reader.path.open("rb") as fh:
        while chunk := fh.read(BLOCK):
            data = carry + chunk
            cut = data.rfind(b"\n") + 1
            block, carry = data[:cut], data[cut:]
            if block:
                lines = block.count(b"\n")
                yield from _block(assembler, shape, block, number, hints.lines(block, number, lines), versions_ok)
                number += lines
    hints.close()
    for done in (assembler.feed(number, carry) if carry else None, assembler.finish()):
        if done is not None:
            yield done


_HINT_RG = r"deploy|releas|roll|upgrad|booting|restart|starting|version[\s=:\x1c-\x1f]"
"""`light._DEPLOY_HINT` for rg --ignore-case (Unicode case folding and \\s find a superset: safe)."""


class _Hints:
    """Lines with a deploy word: from one `rg` run over the file (in parallel), else per block."""

    def __init__(self, reader: LogReader) -> None:
        rg = ripgrep.binary()
        query = LogQuery(pattern=_HINT_RG, regex=True, ignore_case=True)
        self._hits = ripgrep.hits(rg, query, reader.path, line_buffered=True) if rg is not None else None
        self._next: int | None = None

    def lines(self, block: bytes, number: int, count: int) -> set[int]:
        """Indices, in this block (first line `number`), of the lines holding a deploy word."""
        if self._hits is None:
            return _hint_lines(block)
        found: set[int] = set()
        end = number + count
        try:
            while True:
                if self._next is None:
                    self._next = next(self._hits)[1]
                if self._next >= end:
                    return found
                found.add(self._next - number)
                self._next = None
        except StopIteration:
            self._next = sys.maxsize
            return found
        except ripgrep.RipgrepFailed:
            self._hits = None
            return _hint_lines(block)

    def close(self) -> None:
        if self._hits is not None and hasattr(self._hits, "close"):
            self._hits.close()


def _block(
    assembler: Assembler, shape: Shape, block: bytes, number: int, hints: set[int], versions_ok: VersionCheck | None,
) -> Iterator[Light | Bulk]:
    items: list[tuple[bytes, ...]] = shape.pattern.findall(block)
    levels: list[bytes] = list(map(shape.getter("level"), items))
    odd = _indices(levels, b"")
    interesting = set(odd) | hints | {len(items) - 1}
    if not block.isascii():
        interesting |= _lines_at(block, re.finditer(rb"[\x80-\xff]", block))
    groups = _count_groups(shape, items)
    bulk = _bulk(shape, items, number, groups, odd, block, assembler, versions_ok)
    if bulk is None:
        exact: list[int] | range = range(len(items))
    else:
        stamp = shape.getter("minute", "zone")
        replay = {i - 1 for i in interesting if i and not _self_stamped(stamp(items[i]))}
        exact = sorted(interesting | replay)
    yield from _feed(assembler, items, shape.roles["line"], exact, number)
    if bulk is not None:
        key = _group_getter(shape)
        for index in exact:
            if levels[index]:
                bulk.groups[key(items[index])] -= 1
        bulk.exact = set(exact)
        yield bulk


def _feed(
    assembler: Assembler, items: list[tuple[bytes, ...]], line: int, exact: list[int] | range, number: int,
) -> Iterator[Light]:
    """Feed the lines `exact` to the assembler; a run of continuation lines (a traceback) in one step."""
    never, feed = assembler.never_starts, assembler.feed
    position, count = 0, len(exact)
    while position < count:
        index = exact[position]
        done = feed(number + index, items[index][line] + b"\n")
        if done is not None:
            yield done
        end = position + 1
        while end < count and exact[end] == index + end - position and (raw := items[exact[end]][line]) \
                and raw[0] in never:
            end += 1
        if end > position + 1:
            yield from assembler.feed_continuations(number + index + 1, [items[i][line] for i in exact[position + 1:end]])
        position = end


def _self_stamped(minute_zone: tuple[bytes, bytes]) -> bool:
    """Whether a line starts a record with its own time (then the line before it need not be read
    exactly: neither its record nor its time can matter to this one)."""
    minute, zone = minute_zone
    return bool(minute) and minute_key(minute, zone) is not None


def _bulk(
    shape: Shape, items: list[tuple[bytes, ...]], number: int, groups: Counter[GroupKey], odd: list[int],
    block: bytes, assembler: Assembler, versions_ok: VersionCheck | None,
) -> Bulk | None:
    """The block's Bulk, or None when its plain lines cannot be trusted in bulk (read it all exactly)."""
    minute_keys: dict[tuple[bytes, bytes], datetime] = {}
    for minute, zone, *_ in groups:
        found = minute_key(minute, zone)
        if found is None:
            return None
        minute_keys[(minute, zone)] = found
    if shape is not _TEXT_SHAPE:
        line = shape.roles["line"]
        others = [items[i][line] for i in odd]
        pending = assembler.builder.first_line
        if pending is not None:
            others.append(pending.encode())
        if versions_ok is not None and not _versions_fit(groups, others, versions_ok):
            return None
    return Bulk(shape, items, number, groups, minute_keys)


def _versions_fit(groups: Counter[GroupKey], others: list[bytes], versions_ok: VersionCheck) -> bool:
    seen: dict[str, set[str]] = {}
    for _, _, _, service, version in groups:
        if version is not None:
            seen.setdefault((service or b"").decode(), set()).add(version.decode())
    for line in others:
        pairs = dict(_SIG_PAIR.findall(line))
        if not pairs:
            continue
        if set(pairs) - {b"service", b"version"} or any(not _plain_string(v) for v in pairs.values()):
            return False
        if b"version" in pairs:
            service = pairs.get(b"service", b'""')[1:-1].decode()
            seen.setdefault(service, set()).add(pairs[b"version"][1:-1].decode())
    return all(len(values) == 1 for values in seen.values()) and versions_ok(seen)


def _plain_string(value: bytes) -> bool:
    return len(value) >= 2 and value[:1] == b'"' and value[-1:] == b'"' and b"\\" not in value


def _indices(values: list[bytes], wanted: bytes) -> list[int]:
    found: list[int] = []
    index = -1
    while True:
        try:
            index = values.index(wanted, index + 1)
        except ValueError:
            return found
        found.append(index)


def _hint_lines(block: bytes) -> set[int]:
    """Indices of the lines holding a deploy word (they go the exact way, as markers may)."""
    return _lines_at(block, _DEPLOY_HINT.finditer(block.lower()))


def _lines_at(block: bytes, matches: Iterator[re.Match[bytes]]) -> set[int]:
    lines, line, pos = set(), 0, 0
    for match in matches:
        line += block.count(b"\n", pos, match.start())
        pos = match.start()
        lines.add(line)
    return lines


def records(items: Iterator[Light | Bulk]) -> Iterator[Light]:
    """Only the records of a scan (for callers that keep nothing at INFO level or below)."""
    return (item for item in items if not isinstance(item, Bulk))
