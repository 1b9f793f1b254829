"""Ruby backtraces: ``file:line:in 'method'`` (3.4 quoting) or `` `method' `` (older), ``from`` lines.

The uncaught-exception header shares its line with the first frame:
``app.rb:3:in 'foo': boom (RuntimeError)``; Rails logs print ``Type (message):`` above the frames.
"""

from __future__ import annotations

import re

from ._base import Block, Ctx, link_cause, make_frame
from .model import Frame, ParsedException

_FRAME = re.compile(
    r"^\s*(?:from\s+)?(?:(?P<gem>[\w.-]+ \([\w.]+\))\s+)?(?P<file><internal:[\w/.-]+>|[^\s:][^:]*?|[A-Za-z]:[\\/][^:]*?)"
    r"(?::(?P<line>\d+))?:in\s+[`'](?P<fn>[^`']*)'(?P<rest>.*)$"
)
_TAIL = re.compile(r"^:\s(?P<msg>.*)\s\((?P<type>[A-Z][\w:]*)\)\s*$")
_RAILS = re.compile(r"^\s*([A-Z][\w]*(?:::[A-Z]\w*)*)\s+\((.*)\):\s*$")
_BARE_LINE = re.compile(r"^\s*(?:from\s+)?(/[^:\s]+\.\w+):(\d+)\s*$")
_LEVELS = re.compile(r"^\s*\.\.\. (\d+) levels\.\.\.\s*$")
_FROM = re.compile(r"^\s*from\s")
_MAX_MESSAGE_LINES = 20


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
    """A Ruby backtrace whose first frame is on line ``i``; causes (Ruby 3.1+) follow it."""
    first = parse_frame(ctx.lines[i])
    if first is None:
        return None
    exc = ParsedException(language="ruby", start_line=i + 1)
    excs = [exc]
    start = i
    if _TAIL.match(first[1]) is None:
        start = _rails_header(ctx, i, exc)
    j = i
    while j < len(ctx.lines):
        line = ctx.lines[j]
        parsed = parse_frame(line)
        bare = _BARE_LINE.match(line) if parsed is None else None
        levels = _LEVELS.match(line) if parsed is None and bare is None else None
        tail = _TAIL.match(parsed[1]) if parsed is not None else None
        if parsed is not None and tail is not None and not _FROM.match(line):
            if exc.frames:  # a second "file:line:in 'm': msg (Type)" line: the cause of the one above
                exc = ParsedException(language="ruby", start_line=j + 1)
                excs.append(exc)
                link_cause(excs, len(excs) - 2, len(excs) - 1, "cause")
            exc.type, exc.message = tail.group("type"), tail.group("msg")
            exc.frames.append(parsed[0])
            j = _message_rest(ctx, j + 1, exc)
            continue
        if parsed is not None:
            exc.frames.append(parsed[0])
        elif bare is not None:
            exc.frames.append(make_frame(file=bare.group(1), line=int(bare.group(2))))
        elif levels is not None:
            exc.frames_omitted = int(levels.group(1))
        elif line.strip() or not _continues(ctx, j):
            break
        j += 1
    return Block(excs, start, j)


def _message_rest(ctx: Ctx, j: int, exc: ParsedException) -> int:
    """The message lines Ruby prints after ``msg (Type)`` when the message has several; returns the next line.

    Ruby puts ``(Type)`` after the first line of the message and the rest below it, before the
    ``from`` lines. error_highlight (3.1+) appends a blank line, the failing code and a caret line:
    that snippet points at code, it is not part of the message.
    """
    k = j
    while k < len(ctx.lines) and k - j < _MAX_MESSAGE_LINES and parse_frame(ctx.lines[k]) is None:
        k += 1
    if k == j or k >= len(ctx.lines) or not _FROM.match(ctx.lines[k]):
        return j
    rest = [x.rstrip() for x in ctx.lines[j:k]]
    if rest and not rest[-1].strip(" ^~") and "" in rest:
        rest = rest[: len(rest) - 1 - rest[::-1].index("")]  # drop the blank line and the snippet after it
    exc.message = "\n".join([exc.message or "", *rest]).strip()
    return k


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
