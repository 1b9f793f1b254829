"""Streaming scan of large logs: find the few regions that can hold a trace, parse only those.

Lines are read in batches; one C-level regex search over a joined batch rejects the (vast)
trace-free majority without a Python-level loop per line. Around each hit we keep a bounded
window: ``_BACK`` lines of context before (headers sit above JVM/V8/.NET frames) and lines after
until ``_QUIET`` consecutive lines without a hit. Memory is bounded by the batch size plus the
largest region (capped at ``_MAX_REGION`` lines), independent of the file size.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from itertools import accumulate, islice

from ._dispatch import extract
from .model import ParsedTrace

_BATCH = 2048
_BACK = 12
_QUIET = 40
_MAX_REGION = 20_000

# A superset of what can start a trace, as plain substrings: ``str.find`` runs at memory speed,
# while one big regex alternation over the same text is ~100x slower (no literal prefilter in re).
# Every trace format has at least one frame line holding one of these (headers sit in the
# back context), so the list stays short: each literal costs one pass over the batch.
_LITERALS = ('File "', "\tat ", "  at ", "#0 ", "goroutine ", "panic", "runtime error", ":in ", ".dll!")
_AT_SIGN = re.compile(r"@[^\s@]*:\d")


def _has_hit(text: str) -> bool:
    return any(lit in text for lit in _LITERALS) or ("@" in text and _AT_SIGN.search(text) is not None)


def iter_traces(lines: Iterable[str]) -> Iterator[tuple[int, ParsedTrace]]:
    """Scan a stream of log lines and yield every trace found, with its 1-based start line.

    Args:
        lines: Any line iterator, e.g. an open text file (lines may keep their newline).

    Yields:
        ``(line_number, trace)`` per chain of exceptions found, in file order; the number is the
        line where that chain's first exception starts.
    """
    it = iter(lines)
    scan = _Scan()
    while batch := list(islice(it, _BATCH)):
        yield from scan.feed(batch)
    yield from scan.close()


class _Scan:
    """Region-building state carried from one batch to the next."""

    def __init__(self) -> None:
        self.base = 0  # 0-based global index of the current batch's first line
        self.before: list[str] = []  # tail of the previous batch, for header context
        self.region: list[str] | None = None
        self.region_start = 0
        self.last_hit = 0

    def feed(self, batch: list[str]) -> Iterator[tuple[int, ParsedTrace]]:
        joined = "".join(batch) if batch[0].endswith("\n") else "\n".join(batch)
        hits = _hit_lines(batch, joined) if _has_hit(joined) else []
        k = 0
        for h in hits:
            if self.region is not None and self.base + h - self.last_hit <= _QUIET and len(self.region) < _MAX_REGION:
                self.region.extend(batch[k : h + 1])
            else:
                if self.region is not None:
                    k = self._extend_to_quiet(batch, k)
                    yield from self._flush()
                back = max(k, h - _BACK)
                context = self.before[-(_BACK - (h - back)) :] if h - back < _BACK and k == 0 and self.before else []
                self.region = [*context, *batch[back : h + 1]]
                self.region_start = self.base + back - len(context)
            self.last_hit = self.base + h
            k = h + 1
        if self.region is not None:
            end = self._extend_to_quiet(batch, k)
            if end < len(batch):
                yield from self._flush()
        self.before = batch[-_BACK:]
        self.base += len(batch)

    def _extend_to_quiet(self, batch: list[str], k: int) -> int:
        """Add the lines after the last hit (up to the quiet limit); returns the local end index."""
        assert self.region is not None
        end = min(len(batch), max(k, self.last_hit + _QUIET - self.base))
        self.region.extend(batch[k:end])
        return end

    def _flush(self) -> Iterator[tuple[int, ParsedTrace]]:
        region, self.region = self.region, None
        if region:
            yield from _parse_region(region, self.region_start + 1)

    def close(self) -> Iterator[tuple[int, ParsedTrace]]:
        yield from self._flush()


def _hit_lines(batch: list[str], joined: str) -> list[int]:
    """Local indices of the lines in ``batch`` that hold a pre-filter hit (few per batch)."""
    sep = 0 if batch[0].endswith("\n") else 1
    offsets = list(accumulate(len(line) + sep for line in batch))
    positions: set[int] = set()
    for lit in _LITERALS:
        at = joined.find(lit)
        while at >= 0:
            positions.add(bisect_right(offsets, at))
            at = joined.find(lit, at + 1)
    if "@" in joined:
        positions.update(bisect_right(offsets, m.start()) for m in _AT_SIGN.finditer(joined))
    return sorted(p for p in positions if p < len(batch))


def _parse_region(region: list[str], start: int) -> Iterator[tuple[int, ParsedTrace]]:
    """Parse one candidate region and split what it holds into independent traces."""
    trace = extract("\n".join(line.rstrip("\r\n") for line in region))
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
