"""Ruby backtraces: ``file:line:in 'method'`` (3.4 quoting) or `` `method' `` (older), ``from`` lines.

The uncaught-exception header shares its line with the first frame:
``app.rb:3:in 'foo': boom (RuntimeError)``; Rails logs print ``Type (message):`` above the frames.
"""

from __future__ import annotations

import re

from ._base import Block, Ctx, make_frame
from .model import Frame, ParsedException

_FRAME = re.compile(
    r"^\s*(?:from\s+)?(?:(?P<gem>[\w.-]+ \([\w.]+\))\s+)?(?P<file>[^\s:][^:]*?|[A-Za-z]:[\\/][^:]*?)"
    r"(?::(?P<line>\d+))?:in\s+[`'](?P<fn>[^`']*)'(?P<rest>.*)$"
)
_TAIL = re.compile(r"^:\s(?P<msg>.*)\s\((?P<type>[A-Z][\w:]*)\)\s*$")
_RAILS = re.compile(r"^\s*([A-Z][\w]*(?:::[A-Z]\w*)*)\s+\((.*)\):\s*$")
_BARE_LINE = re.compile(r"^\s*(?:from\s+)?(/[^:\s]+\.\w+):(\d+)\s*$")


def parse_frame(line: str) -> tuple[Frame, str] | None:
    """A Ruby frame and whatever follows it on the line (the header's ``: msg (Type)``)."""
    m = _FRAME.match(line)
    if m is None:
        return None
    number = m.group("line")
    frame = make_frame(file=m.group("file"), line=int(number) if number else None, module=m.group("gem"))
    frame.function = m.group("fn")
    return frame, m.group("rest")


def parse(ctx: Ctx, i: int) -> Block | None:
    """A Ruby backtrace whose first frame is on line ``i``."""
    first = parse_frame(ctx.lines[i])
    if first is None:
        return None
    exc = ParsedException(language="ruby", start_line=i + 1)
    start = i
    tail = _TAIL.match(first[1])
    if tail is not None:
        exc.type, exc.message = tail.group("type"), tail.group("msg")
    else:
        start = _rails_header(ctx, i, exc)
    j = i
    while j < len(ctx.lines):
        parsed = parse_frame(ctx.lines[j])
        bare = _BARE_LINE.match(ctx.lines[j]) if parsed is None else None
        if parsed is not None:
            exc.frames.append(parsed[0])
        elif bare is not None:
            exc.frames.append(make_frame(file=bare.group(1), line=int(bare.group(2))))
        elif ctx.lines[j].strip() or not _continues(ctx, j):
            break
        j += 1
    return Block([exc], start, j)


def _continues(ctx: Ctx, j: int) -> bool:
    return parse_frame(ctx.get(j + 1)) is not None


def _rails_header(ctx: Ctx, i: int, exc: ParsedException) -> int:
    """``NoMethodError (undefined method ...):`` a few lines above the frames (Rails)."""
    for k in range(i - 1, max(ctx.floor, i - 4) - 1, -1):
        m = _RAILS.match(ctx.lines[k])
        if m is not None:
            exc.type, exc.message = m.group(1), m.group(2)
            return k
        if ctx.lines[k].strip():
            m2 = re.match(r"^\s*([A-Z]\w*(?:::[A-Z]\w*)*(?:Error|Exception)):\s(.*)$", ctx.lines[k])
            if m2 is not None:
                exc.type, exc.message = m2.group(1), m2.group(2)
                return k
            break
    return i
