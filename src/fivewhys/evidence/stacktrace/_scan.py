"""Streaming scan of large logs: find the few regions that can hold a trace, parse only those.

The input is consumed as large byte blocks (a file's ``read``; other line iterables are joined
and encoded). A handful of ``bytes.find`` passes per block — C loops at memory speed — locate the
pre-filter hits; no per-line Python work happens on the (vast) trace-free majority, and only the
candidate regions are decoded. Around each hit we keep some lines of context before (``_BACK``:
headers sit above JVM/V8/.NET frames; more for a pytest report, whose entries hold whole function
sources above the line we can find) and lines after until ``_QUIET`` consecutive lines without a hit.
A region still open at a block's end is carried into the next block, so memory is bounded by the
block size plus the largest region (capped at ``_MAX_REGION`` bytes), independent of file size.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import IO

from ._dispatch import extract
from .model import ParsedTrace

_BLOCK = 8 << 20
_LINES_PER_BLOCK = 4096
_BACK = 12
_QUIET = 40
_MAX_REGION = 4 << 20
_PROBE = 64 << 10  # bytes sampled at a block's start to tell a common anchor byte from a rare one

# What every frame line of every supported format holds at least one of (headers sit in the back
# context). ``bytes.find`` of one byte is memchr (tens of GB/s) while a multi-byte needle runs at
# 0.3-1 GB/s, so each format is found through a byte that is rare in ordinary log text, and each
# occurrence is checked with a regex matched ``back`` bytes before it (-1: at its line's start).
# Where that byte is common in a block (a TSV log, JSON lines full of quotes), the fallback
# pattern searches the block instead: one pass, whatever the count.
_Anchor = tuple[bytes, int, "re.Pattern[bytes]", "re.Pattern[bytes]"]
_C = re.compile
_ANCHORS: tuple[_Anchor, ...] = (
    # JVM "\tat", Ruby "\tfrom", JVM "\t... 3 more", Go "\t/src/x.go:12"
    (b"\t", 0, _C(rb"\t(?:at |from |\.\.\. \d|\S*\.go:\d)"), _C(rb"\t(?:at |from |\.\.\. \d|\S*\.go:\d)")),
    (b"#", 0, _C(rb"#\d+ "), _C(rb"#\d+ ")),  # sanitizers, gdb, PHP
    (b"@", 0, _C(rb"@[^\s@]*:\d"), _C(rb"@[^\s@]*:\d")),  # Firefox / Safari
    (b'"', 5, _C(rb'File "'), _C(rb'File "')),  # Python
    (b"\\", 0, _C(rb'\\n(?:\\t|\s+(?:at |File \\"|#\d))'), _C(rb'\\n(?:\\t|\s+(?:at |File \\"|#\d))')),  # JSON-escaped
    (b"!", 4, _C(rb"\.(?:dll|exe)!"), _C(rb"\.(?:dll|exe)!")),  # Visual Studio call stacks
    # V8, .NET, JVM indented with spaces; Go "file.go:12 (0x4f2a)"; JRuby/Java frames without "at"
    (
        b"(",
        -1,
        _C(rb"[^\n(]*(?:\sat |\.go:\d+ \(0x|\([\w$./ -]*\.(?:java|rb):\d+\))"),
        _C(rb"  at |\tat |\.go:\d+ \(0x|\.(?:java|rb):\d+\)"),
    ),
    (b"`", 4, _C(rb":in `"), _C(rb":in `")),  # Ruby < 3.4
    (b"\'", -1, _C(rb"[^\n]*?(?::in \'|\' panicked)"), _C(rb":in \'|\' panicked")),  # Ruby 3.4, Rust panics
)
# A pytest report (--tb=auto/long/short): its ``E   Type: msg`` lines and the ``>   code`` line of
# each long entry, at a line start or behind a log prefix. Its location lines (``x.py:12: in f``)
# hold no rare byte, and a long entry prints the whole function source above its ``>`` line, so
# these hits take ``_REPORT_BACK`` lines of context. ``E`` is common (ERROR, GET) and then the
# fallback runs: a literal-led regex, which the regex engine searches at memory speed.
_REPORT_BACK = 150
_REPORT_ANCHORS: tuple[_Anchor, ...] = (
    (b"E", 0, _C(rb"E {3}(?<![^\n ]E {3})"), _C(rb"E {3}(?<![^\n ]E {3})")),
    (b">", 0, _C(rb"> {3}(?<![^\n ]> {3})"), _C(rb"> {3}(?<![^\n ]> {3})")),
)
_MAX_BACK = max(_BACK, _REPORT_BACK)


def iter_traces(lines: Iterable[str] | IO[bytes] | IO[str]) -> Iterator[tuple[int, ParsedTrace]]:
    """Scan a large log and yield every trace found, with its 1-based start line.

    Args:
        lines: An open file (binary is fastest: it is read in large blocks and only the candidate
            regions are decoded, as UTF-8) or any iterator of text lines (newlines optional).

    Yields:
        ``(line_number, trace)`` per chain of exceptions found, in file order; the number is the
        line where that chain's first exception starts.
    """
    yield from _Scanner().run(_blocks(lines))


def _blocks(source: Iterable[str] | IO[bytes] | IO[str]) -> Iterator[bytes]:
    """The input as byte blocks (any split; the scanner re-cuts them at line ends)."""
    read = getattr(source, "read", None)
    if callable(read):
        while chunk := read(_BLOCK):
            yield chunk if isinstance(chunk, bytes) else chunk.encode("utf-8", "replace")
        return
    it: Iterator[str] = iter(source)  # type: ignore[arg-type]  # not a file: an iterable of lines
    while batch := list(islice(it, _LINES_PER_BLOCK)):
        text = "".join(line if line.endswith("\n") else line + "\n" for line in batch)
        yield text.encode("utf-8", "replace")


def _hits(buf: bytes, start: int, stop: int) -> list[tuple[int, int]]:
    """Sorted offsets in ``buf[start:stop]`` of the pre-filter hits, each with its lines of back context."""
    found = dict.fromkeys(_anchor_hits(buf, start, stop, _REPORT_ANCHORS), _REPORT_BACK)
    found.update(dict.fromkeys(_anchor_hits(buf, start, stop, _ANCHORS), _BACK))
    return sorted(found.items())


def _anchor_hits(buf: bytes, start: int, stop: int, anchors: tuple[_Anchor, ...]) -> set[int]:
    found: set[int] = set()
    limit = (stop - start) >> 10
    for byte, back, check, fallback in anchors:
        if buf.count(byte, start, start + _PROBE) > _PROBE >> 10:  # dense from the start: no loop at all
            found.update(m.start() for m in fallback.finditer(buf, start, stop))
            continue
        at, seen = buf.find(byte, start + max(back, 0), stop), 0
        while at >= 0:
            seen += 1
            if seen > limit:  # common in this block: one regex pass is cheaper than this loop
                found.update(m.start() for m in fallback.finditer(buf, max(at - 200, start), stop))
                break
            origin = buf.rfind(b"\n", 0, at) + 1 if back < 0 else at - back
            if check.match(buf, origin, stop):
                found.add(origin)
            at = buf.find(byte, at + 1, stop)
    return found


def _line_start(buf: bytes, at: int, floor: int) -> int:
    return max(buf.rfind(b"\n", floor, at) + 1, floor)


def _lines_back(buf: bytes, start: int, count: int, floor: int) -> int:
    """The offset ``count`` lines above the line starting at ``start`` (never before ``floor``)."""
    for _ in range(count):
        if start <= floor:
            return floor
        start = _line_start(buf, start - 1, floor)
    return start


def _lines_forward(buf: bytes, at: int, count: int, stop: int) -> int | None:
    """The offset after ``count`` more complete lines following the line holding ``at``; None if short."""
    end = buf.find(b"\n", at, stop)
    for _ in range(count):
        if end < 0:
            return None
        end = buf.find(b"\n", end + 1, stop)
    return None if end < 0 else end + 1


class _Scanner:
    """Block-to-block state: the unparsed tail carried over and the line number of its start."""

    def __init__(self) -> None:
        self.carry = b""
        self.carry_line = 0  # global 0-based line number of carry[0]
        self.fresh = 0  # offset in carry where not-yet-searched text begins
        self.open: tuple[int, int] | None = None  # (region start, last hit) carried over, as offsets
        self.keep = 0  # offset in the current block where the next carry starts

    def run(self, blocks: Iterator[bytes]) -> Iterator[tuple[int, ParsedTrace]]:
        pending = next(blocks, b"")
        while pending:
            following = next(blocks, b"")
            data = self.carry + pending if self.carry else pending
            stop = len(data) if not following else data.rfind(b"\n") + 1
            if stop <= 0:  # a single line longer than the block: keep reading
                self.carry, pending = data, following
                continue
            yield from self._block(data, stop, eof=not following)
            self.carry = data[self.keep :]
            pending = following

    def _block(self, buf: bytes, stop: int, eof: bool) -> Iterator[tuple[int, ParsedTrace]]:
        """Parse the complete regions of ``buf[:stop]``; set ``self.keep`` for the carry."""
        line_at, line_no = 0, self.carry_line
        floor = 0
        region = self.open
        for hit, back in _hits(buf, self.fresh, stop):
            if region is not None:
                if hit - region[0] < _MAX_REGION and buf.count(b"\n", region[1], hit) <= _QUIET:
                    region = (region[0], hit)
                    continue
                end = min(_lines_forward(buf, region[1], _QUIET, stop) or stop, _line_start(buf, hit, floor))
                line_no += buf.count(b"\n", line_at, region[0])
                line_at = region[0]
                yield from _parse_region(buf[region[0] : end], line_no + 1)
                floor = end
            region = (_lines_back(buf, _line_start(buf, hit, floor), back, floor), hit)
        if region is not None:
            tail = _lines_forward(buf, region[1], _QUIET, stop)
            if tail is not None or eof or stop - region[0] >= _MAX_REGION:
                line_no += buf.count(b"\n", line_at, region[0])
                line_at = region[0]
                yield from _parse_region(buf[region[0] : tail or stop], line_no + 1)
                floor, region = tail or stop, None
        # Carry the open region, or else the last lines as header context for the next block.
        keep = region[0] if region is not None else max(floor, _lines_back(buf, stop, _MAX_BACK, floor))
        self.open = None if region is None else (0, region[1] - keep)
        self.carry_line = line_no + buf.count(b"\n", line_at, keep)
        self.fresh = stop - keep
        self.keep = keep


def _parse_region(region: bytes, start: int) -> Iterator[tuple[int, ParsedTrace]]:
    """Parse one candidate region and split what it holds into independent traces."""
    trace = extract(region.decode("utf-8", "replace"))
    if not trace.exceptions and not trace.extra_stacks:
        return
    for group in _split(trace):
        first = group.exceptions[0].start_line if group.exceptions else None
        yield (start + (first or 1) - 1, group)


def _split(trace: ParsedTrace) -> list[ParsedTrace]:
    """One ParsedTrace per chain (exceptions linked by cause/suppressed/member edges)."""
    if not trace.exceptions:
        return [trace]
    parent = list(range(len(trace.exceptions)))

    def root(k: int) -> int:
        while parent[k] != k:
            k = parent[k]
        return k

    for k, exc in enumerate(trace.exceptions):
        for other in (exc.caused_by, exc.suppressed_by, exc.member_of):
            if other is not None and 0 <= other < len(parent):
                parent[root(k)] = root(other)
    groups: dict[int, list[int]] = {}
    for k in range(len(trace.exceptions)):
        groups.setdefault(root(k), []).append(k)
    out = [_subset(trace, idxs) for idxs in groups.values()]
    out[-1].extra_stacks = list(trace.extra_stacks)
    return out


def _subset(trace: ParsedTrace, idxs: list[int]) -> ParsedTrace:
    """The exceptions ``idxs`` of ``trace`` as a new trace, with indices renumbered."""
    remap = {old: new for new, old in enumerate(idxs)}
    excs = []
    for old in idxs:
        exc = trace.exceptions[old].model_copy()
        exc.caused_by = remap.get(exc.caused_by) if exc.caused_by is not None else None
        exc.suppressed_by = remap.get(exc.suppressed_by) if exc.suppressed_by is not None else None
        exc.member_of = remap.get(exc.member_of) if exc.member_of is not None else None
        excs.append(exc)
    return ParsedTrace(exceptions=excs)
