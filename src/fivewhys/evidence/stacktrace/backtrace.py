"""Header-less mixed backtraces: what ``exception.backtrace`` holds when Ruby calls into other runtimes.

A Ruby backtrace array is printed one entry per line with no header, and its entries need not
be Ruby's own ``file:line:in 'method'``: JRuby interleaves Java frames printed without ``at``
(``org.jruby.Main.run(Main.java:225)``, ``pkg.script.block in run(script.rb:21)``), ExecJS
splices in V8 frames without ``at`` (``compile ((execjs):6692:19)``, ``bootstrap_node.js:467:3``),
ruby-oci8 adds Oracle's PL/SQL stack (``ORA-06512: at "PKG.PROC", line 12``) and C extensions
appear unquoted (``stmt.c:243:in oci8lib_220.bundle``). A run of two or more such lines with at
least one of the foreign kinds is claimed here; plain Ruby runs are left to ``ruby.parse``.
"""

from __future__ import annotations

import re

from . import ruby
from ._base import Block, Ctx, make_frame, split_location
from .model import Frame, ParsedException

# Java frame without "at": qualified method (JRuby adds ":name" and "block in name") + (location).
_JAVA = re.compile(r"^\s*([A-Za-z_$][\w$]*(?:\.[\w$<>]+|:[\w$]+|\s+in\s+[\w$<>?!=]+)+)\(([^()]*[./][^()]*|Native Method|Unknown Source)\)\s*$")
# V8 frame without "at": "fn (file:line:col)" or a bare "file:line:col".
_V8 = re.compile(r"^\s*(?!at\s)(?:([^\s@][^()@]*?|[^\s@]+) \(([^@]+:\d+:\d+)\)|([^\s@]+:\d+:\d+))\s*$")
# Oracle PL/SQL error stack: ORA-06512: at "OWNER.UNIT", line N  /  ORA-06512: at line N
_ORA = re.compile(r'^\s*ORA-06512: at (?:"([^"]+)", )?line (\d+)\s*$')
# Ruby C-extension frame: file.c:243:in name (no quotes)
_NATIVE_EXT = re.compile(r"^\s*(?:from\s+)?([^\s:]+):(\d+):in ([\w.]+)\s*$")
_LOOKBACK = 50


def _foreign(line: str) -> Frame | None:
    if (m := _JAVA.match(line)) is not None:
        file, number, _ = split_location(m.group(2))
        return make_frame(file=file, line=number, function=m.group(1))
    if (m := _V8.match(line)) is not None:
        file, number, col = split_location(m.group(2) or m.group(3))
        return make_frame(file=file, line=number, column=col, function=m.group(1))
    if (m := _ORA.match(line)) is not None:
        return make_frame(line=int(m.group(2)), function=m.group(1))
    if (m := _NATIVE_EXT.match(line)) is not None:
        return make_frame(file=m.group(1), line=int(m.group(2)), function=m.group(3))
    return None


def _entry(line: str) -> tuple[Frame | None, bool]:
    """The frame on ``line`` and whether it is of a foreign kind."""
    parsed = ruby.parse_frame(line)
    if parsed is not None and not parsed[1].strip():
        return parsed[0], False
    return _foreign(line), True


def parse(ctx: Ctx, i: int) -> Block | None:
    """A mixed backtrace run that contains line ``i``."""
    if _entry(ctx.lines[i])[0] is None:
        return None
    start = i
    while start - 1 >= max(ctx.floor, i - _LOOKBACK) and _entry(ctx.lines[start - 1])[0] is not None:
        start -= 1
    frames: list[Frame] = []
    foreign = False
    j = start
    while j < len(ctx.lines):
        frame, kind = _entry(ctx.lines[j])
        if frame is None:
            break
        frames.append(frame)
        foreign = foreign or kind
        j += 1
    if len(frames) < 2 or not foreign:
        return None
    return Block([ParsedException(language="ruby", frames=frames, start_line=start + 1)], start, j)
