"""PHP traces: ``Uncaught X: msg in file:line`` headers, ``#0 file(line): fn()`` frames, ``Next`` chains.

PHP prints the previous (inner) exception first and each wrapping one after ``Next``; ``{main}``
ends each stack and is not a frame; ``[internal function]`` is a frame without a file.
"""

from __future__ import annotations

import re

from ._base import Block, Ctx, link_cause, make_frame
from .model import Frame, ParsedException

_FRAME = re.compile(r"^\s*#\d+\s+(?:(?P<file>[^(\s][^(]*?)\((?P<line>\d+)\)|\[internal function\]):\s+(?P<fn>[^(]+?)(?:\(.*\))?\s*$")
_MAIN = re.compile(r"^\s*#\d+\s+\{main\}\s*$")
_HEADER = re.compile(
    r"(?:Uncaught\s+|^Next\s+|^)(?:exception\s+'(?P<qt>[\w\\]+)'\s+with\s+message\s+'(?P<qm>.*)'|(?P<t>[A-Z][\w\\]*))"
    r"(?::\s(?P<m>.*?))?\s+in\s+\S+?(?::\d+|\s+on\s+line\s+\d+)\s*$"
)
_STACK = re.compile(r"^\s*(?:Stack trace:|\[stacktrace\])\s*$")
# Laravel / Monolog LineFormatter: "[object] (Type(code: 0): msg at /path/File.php:12)", then
# "[stacktrace]" and the frames; a wrapped exception follows as "[previous exception] [object] (...)".
_OBJECT = re.compile(r"(?P<prev>^\[previous exception\] )?\[object\] \((?P<t>[A-Za-z_\\][\w\\]*)\(code: [^)]*\): (?P<m>.*) at \S+:\d+\)\s*$")
_THROWN = re.compile(r"^\s*thrown in .* on line \d+\s*$")
# ``Exception::__toString`` (what an uncaught exception prints) appends " and defined" to the message
# of a TypeError / ArgumentCountError that holds ", called in ", so that "in file:line" after it
# reads as where the function is defined; ``getMessage()`` (what Sentry and Monolog record) has no suffix.
_AND_DEFINED = re.compile(r"(, called in .* on line \d+) and defined$")


def parse_frame(line: str) -> Frame | None:
    """A ``#N file(line): function(args)`` line, or None (``{main}`` is not a frame)."""
    m = _FRAME.match(line)
    if m is None:
        return None
    number = m.group("line")
    # Monolog writes the trace inside a JSON string: namespace separators come out doubled.
    function = m.group("fn").strip().replace("\\\\", "\\")
    return make_frame(file=m.group("file"), line=int(number) if number else None, function=function)


def parse(ctx: Ctx, i: int) -> Block | None:
    """A PHP trace whose first ``#0`` frame is on line ``i`` (header searched above)."""
    if parse_frame(ctx.lines[i]) is None and not _MAIN.match(ctx.lines[i]):
        return None
    excs: list[ParsedException] = []
    start = _header(ctx, i, excs)
    if excs[0].type is None and parse_frame(ctx.lines[i]) is None:
        return None  # a lone "#0 {main}" says nothing without the header naming the exception
    j = i
    while j < len(ctx.lines):
        line = ctx.lines[j]
        frame = parse_frame(line)
        if frame is not None:
            excs[-1].frames.append(frame)
        elif (h := _HEADER.search(line)) is not None and line.lstrip().startswith("Next"):
            excs.append(_exception(h))
            link_cause(excs, len(excs) - 1, len(excs) - 2, "previous")
        elif (o := _OBJECT.search(line)) is not None and o.group("prev"):
            excs.append(_laravel(o))
            link_cause(excs, len(excs) - 2, len(excs) - 1, "previous")  # printed after the exception it wraps
        elif not (_MAIN.match(line) or _STACK.match(line) or _THROWN.match(line) or _blank_before_next(ctx, j)):
            break
        j += 1
    excs[0].start_line = start + 1
    return Block(excs, start, j)


def _blank_before_next(ctx: Ctx, j: int) -> bool:
    """PHP separates a ``Next`` exception (Laravel a ``[previous exception]``) from the stack above by a blank line."""
    if ctx.lines[j].strip():
        return False
    nxt = ctx.get(j + 1)
    if nxt.startswith("[previous exception] "):
        return True
    return _HEADER.search(nxt) is not None and nxt.lstrip().startswith("Next ")


def _header(ctx: Ctx, i: int, excs: list[ParsedException]) -> int:
    for k in range(i - 1, max(ctx.floor, i - 3) - 1, -1):
        h = _HEADER.search(ctx.lines[k])
        if h is not None:
            excs.append(_exception(h))
            return k
        o = _OBJECT.search(ctx.lines[k])
        if o is not None:
            excs.append(_laravel(o))
            return k
        if not _STACK.match(ctx.lines[k]):
            m = re.match(r"^\s*([A-Z][\w\\]*(?:Exception|Error)):\s(.*)$", ctx.lines[k])
            if m is not None:
                excs.append(ParsedException(type=m.group(1), message=m.group(2), language="php"))
                return k
            break
    excs.append(ParsedException(language="php"))
    return i


def _exception(h: re.Match[str]) -> ParsedException:
    etype = h.group("qt") or h.group("t")
    message = h.group("qm") if h.group("qt") else (h.group("m") or "")
    if etype.endswith(("TypeError", "ArgumentCountError")):
        message = _AND_DEFINED.sub(r"\1", message)
    return ParsedException(type=etype, message=message, language="php")


def _laravel(o: re.Match[str]) -> ParsedException:
    return ParsedException(type=o.group("t").replace("\\\\", "\\"), message=o.group("m"), language="php")
