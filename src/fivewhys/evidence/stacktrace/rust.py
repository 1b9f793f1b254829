"""Rust panics: ``thread 'x' panicked at ...`` (old and 1.73+ layouts) and ``stack backtrace:``.

Old: ``panicked at 'msg', src/main.rs:2:5``. New: ``panicked at src/main.rs:2:5:`` with the message
on the following line(s). Backtrace entries are ``N: [0xaddr - ]path::fn::h<hash>`` followed by
zero or more ``at file:line:col`` lines (several when frames were inlined; the first is the frame's).
"""

from __future__ import annotations

import re

from ._base import Block, Ctx, make_frame, split_location
from .model import Frame, ParsedException

TRIGGER = re.compile(r"panicked at ")
_OLD = re.compile(r"thread '([^']*)' panicked at '(.*)', (\S+?)\s*$")
_NEW = re.compile(r"thread '([^']*)'(?: \(\d+\))? panicked at (\S+?):\s*$")
_NEW_INLINE = re.compile(r"thread '([^']*)' panicked at (\S+?:\d+:\d+):\s(.*)$")
_OLD_OPEN = re.compile(r"thread '([^']*)' panicked at '(.*)$")
_OLD_CLOSE = re.compile(r"^(.*)', (\S+?:\d+(?::\d+)?)\s*$")
_MAX_MESSAGE_LINES = 50
_BT = re.compile(r"^\s*stack backtrace:\s*$")
_ENTRY = re.compile(r"^\s*(\d+):\s+(?:0x[0-9a-fA-F]+ - )?(.+?)\s*$")
_AT = re.compile(r"^\s+at\s+(.+?)\s*$")
_HASH = re.compile(r"::h[0-9a-f]{16}$")
_NOISE_MAX = 3


def parse(ctx: Ctx, i: int) -> Block | None:
    """A Rust panic whose ``thread '...' panicked at`` line is line ``i``."""
    line = ctx.lines[i]
    if "panicked at" not in line:
        return None
    exc, j = _header(ctx, i)
    if exc is None:
        return None
    k = j
    while k < len(ctx.lines) and k - j <= _NOISE_MAX and not _BT.match(ctx.lines[k]):
        k += 1
    if k < len(ctx.lines) and _BT.match(ctx.lines[k]):
        j = _backtrace(ctx, k + 1, exc.frames)
    return Block([exc], i, j)


def _header(ctx: Ctx, i: int) -> tuple[ParsedException | None, int]:
    line = ctx.lines[i]
    exc = ParsedException(type="panic", language="rust", start_line=i + 1)
    if (m := _OLD.search(line)) is not None:
        exc.thread, exc.message = m.group(1), m.group(2)
        return exc, i + 1
    if (m := _OLD_OPEN.search(line)) is not None and "', " not in line[m.end() :]:
        return _old_multiline(ctx, i, exc, m)
    if (m := _NEW_INLINE.search(line)) is not None:
        exc.thread, exc.message = m.group(1), m.group(3)
        return exc, i + 1
    if (m := _NEW.search(line)) is not None:
        exc.thread = m.group(1)
        body: list[str] = []
        j = i + 1
        while j < len(ctx.lines) and ctx.lines[j].strip() and not ctx.lines[j].startswith("note:") and not _BT.match(ctx.lines[j]):
            body.append(ctx.lines[j])
            j += 1
        exc.message = "\n".join(body)
        return exc, j
    return None, i


def _old_multiline(ctx: Ctx, i: int, exc: ParsedException, m: re.Match[str]) -> tuple[ParsedException | None, int]:
    """``panicked at 'first line`` ... ``last line', src/x.rs:1:2`` (a message with newlines)."""
    body = [m.group(2)]
    for j in range(i + 1, min(len(ctx.lines), i + 1 + _MAX_MESSAGE_LINES)):
        end = _OLD_CLOSE.match(ctx.lines[j])
        if end is not None:
            exc.thread, exc.message = m.group(1), "\n".join([*body, end.group(1)])
            return exc, j + 1
        body.append(ctx.lines[j])
    return None, i


def _backtrace(ctx: Ctx, j: int, frames: list[Frame]) -> int:
    noise = 0
    while j < len(ctx.lines) and noise <= _NOISE_MAX:
        line = ctx.lines[j]
        entry = _ENTRY.match(line)
        at = _AT.match(line) if entry is None else None
        if entry is not None and j == len(ctx.lines) - 1 and ctx.cut:
            pass  # the text ends mid-line: this entry's name may be cut short
        elif entry is not None:
            frames.append(make_frame(function=_HASH.sub("", entry.group(2))))
            noise = 0
        elif at is not None and frames:
            if frames[-1].file is None:
                file, number, col = split_location(at.group(1))
                frames[-1].file, frames[-1].line, frames[-1].column = file, number, col
        elif frames:
            noise += 1
        j += 1
    return j - noise
