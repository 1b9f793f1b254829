"""Python ``faulthandler`` dumps: a fatal error (segfault, abort, ``Py_FatalError``) or a watchdog timeout.

CPython's C-level dumper (``Python/traceback.c``) prints, per thread, a header and then one line per
frame, *most recent call first*, with no comma before ``in``::

    Fatal Python error: Segmentation fault

    Thread 0x00007f2b3c7fe700 (most recent call first):
      File "/srv/app/worker.py", line 40 in run

    Current thread 0x00007f2b4a1c3740 (most recent call first):
      File "/srv/app/native.py", line 12 in crash
      File "/srv/app/main.py", line 44 in <module>

``???`` stands for an unknown file, line or name, ``  ...`` for frames beyond the depth limit,
``Stack (most recent call first):`` heads a single-thread dump, threads are separated by blank
lines, and ``faulthandler.dump_traceback_later`` puts ``Timeout (0:00:05)!`` on top. Python 3.14 adds
``Current thread's C stack trace`` with ``Binary file "x", at sym+0x1 [0x2]`` lines.

The header line names the exception (``Fatal Python error`` / ``Windows fatal exception`` /
``Timeout`` as type, the rest as message); the current thread's stack (else the first one dumped)
is its stack and the other threads are extra stacks. Frames are stored outermost first, as in a
``Traceback`` (every consumer reads Python frames innermost-last). A dump with no such header
(``faulthandler.register`` on a signal, ``dump_traceback()``) is not an exception: all extra stacks.
"""

from __future__ import annotations

import re

from ._base import Block, Ctx, make_frame
from .model import ExtraStack, Frame, ParsedException

_THREAD = re.compile(
    r"^\s*((?:Current thread|Thread) 0x[0-9a-fA-F]+(?: \[[^\]]*\])?|Stack|Current thread's C stack trace)"
    r" \(most recent call first\):\s*$"
)
_FRAME = re.compile(r'^\s+File (?:"([^"]*)"|\?\?\?), line (\d+|\?\?\?) in (.+?)\s*$')
_C_FRAME = re.compile(r'^\s+Binary file "([^"]*)"(?:, at ([^\s+]+)(?:\+0x[0-9a-fA-F]+)?)? \[0x[0-9a-fA-F]+\]\s*$')
# "  ...", "  <no Python frame>", "  <truncated rest of calls>": inside a stack, not frames.
_FILLER = re.compile(r"^\s+(?:\.\.\.|<[^>]*>)\s*$")
_HEADER = re.compile(r"^\s*(?:(Fatal Python error|Windows fatal exception): (.*?)|(Timeout) \((\d+:\d\d:\d\d(?:\.\d+)?)\)!)\s*$")
_LOOKBACK = 12


def parse(ctx: Ctx, i: int) -> Block | None:
    """A faulthandler dump whose first thread header is line ``i`` (the fatal-error line searched above)."""
    if not _THREAD.match(ctx.lines[i]):
        return None
    stacks, j = _stacks(ctx, i)
    if not any(frames for _, frames in stacks):
        return None
    header_at, exc = _header(ctx, i)
    if exc is None:
        return Block([], i, j, [ExtraStack(label=label, frames=frames) for label, frames in stacks])
    own = next((k for k, (label, _) in enumerate(stacks) if label.startswith("Current thread 0x")), 0)
    exc.thread, exc.frames = stacks[own]
    exc.start_line = header_at + 1
    extra = [ExtraStack(label=label, frames=frames) for k, (label, frames) in enumerate(stacks) if k != own]
    return Block([exc], header_at, j, extra)


def _stacks(ctx: Ctx, i: int) -> tuple[list[tuple[str, list[Frame]]], int]:
    """Every thread section from line ``i`` (blank lines between them allowed); returns them and the end."""
    stacks: list[tuple[str, list[Frame]]] = []
    j = i
    while j < len(ctx.lines):
        line = ctx.lines[j]
        if (t := _THREAD.match(line)) is not None:
            stacks.append((t.group(1), []))
        elif (frame := _frame(line)) is not None:
            stacks[-1][1].insert(0, frame)  # printed innermost first; stored outermost first
        elif not _FILLER.match(line) and not (not line.strip() and _THREAD.match(ctx.get(j + 1))):
            break
        j += 1
    return stacks, j


def _frame(line: str) -> Frame | None:
    m = _FRAME.match(line)
    if m is not None:
        number, name = m.group(2), m.group(3)
        return make_frame(
            file=m.group(1), line=int(number) if number.isdigit() else None, function=None if name == "???" else name
        )
    c = _C_FRAME.match(line)
    return None if c is None else make_frame(file=c.group(1), function=c.group(2))


def _header(ctx: Ctx, i: int) -> tuple[int, ParsedException | None]:
    """The ``Fatal Python error:`` / ``Timeout (...)!`` line within a few lines above ``i``, as an exception."""
    for k in range(i - 1, max(ctx.floor, i - _LOOKBACK) - 1, -1):
        m = _HEADER.match(ctx.lines[k])
        if m is not None:
            kind, message = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
            return k, ParsedException(type=kind, message=message, language="python")
    return i, None
