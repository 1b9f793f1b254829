"""JavaScript stacks: V8/Node (``at fn (file:line:col)``) and Firefox/Safari (``fn@file:line:col``).

V8 frames are split at the balanced parenthesised group that ends the line (function names can
hold parentheses and brackets: ``Object.<anonymous>``, ``[Symbol.iterator]``); eval frames
(``eval at f (file:1:2), <anonymous>:1:5``) keep the innermost location. Node prints
``Error.cause`` chains as ``[cause]: Type: message`` inside braces after the outer frames.
"""

from __future__ import annotations

import re

from ._base import Block, Ctx, link_cause, make_frame, split_location, strip_trailing_group
from ._header import find_header
from .model import Frame, ParsedException

_AT = re.compile(r"^\s*at\s+(.*?)\s*$")
_STRICT = re.compile(
    r"^\s*(?:Uncaught\s+(?:\(in promise\)\s+)?)?((?:[\w$]+\.)*[A-Z][\w$]*(?:Error|Exception)|Error|Exception)"
    r"(?:\s\[[\w-]+\])?(?::\s?(.*))?\s*$"
)
_LOOSE = re.compile(r"\b((?:[\w$]+\.)*[A-Z][\w$]*(?:Error|Exception))(?::\s(.*)|\s*$)")
_CAUSE = re.compile(r"^\s*\[cause\]:\s+((?:[\w$]+\.)*[A-Z][\w$]*)(?::\s?(.*))?\s*$")
_SKIP = re.compile(r"^\s*(?:\.\.\. \d+ lines? matching cause stack trace \.\.\.|\}|\{|at <async>)\s*$|^\s*\w+: .*,$")
_FF = re.compile(r"^\s*(.*?):(\d+)(?::(\d+))?\s*$")
_NATIVE = frozenset({"native", "<anonymous>", "[native code]", "unknown location"})


def parse_v8_frame(line: str) -> Frame | None:
    """A V8 ``at ...`` line as a frame (any ``at`` line that no other runtime claimed)."""
    m = _AT.match(line)
    if m is None or not m.group(1):
        return None
    # Node closes the last frame line with " {" when the error has own properties or a cause.
    body = m.group(1)[:-2] if m.group(1).endswith(" {") else m.group(1)
    split = strip_trailing_group(body)
    if split is not None and split[0].strip() and _is_location(split[1]):
        return _frame(split[0].strip(), split[1])
    if _is_location(body):
        return _frame(None, body)
    if not re.match(r"^(?:async |new )?[A-Za-z_$][\w$.<>\[\]]*$", body):
        return None
    return make_frame(function=body)


def _is_location(text: str) -> bool:
    return text in _NATIVE or bool(re.search(r":\d+(?::\d+)?$", text)) or text.startswith("eval at ") or text.startswith("index ")


def _frame(function: str | None, loc: str) -> Frame:
    if loc.startswith("eval at ") and ", " in loc:
        loc = loc.rsplit(", ", 1)[1]
    if loc in _NATIVE or loc.startswith("index "):
        return make_frame(file=loc if loc == "<anonymous>" else None, function=function)
    file, line, col = split_location(loc)
    return make_frame(file=file, line=line, column=col, function=function)


def parse(ctx: Ctx, i: int) -> Block | None:
    """A V8 stack whose first ``at`` frame is on line ``i``."""
    first = parse_v8_frame(ctx.lines[i])
    located = first is not None and (first.file is not None or ctx.lines[i].rstrip().endswith(")"))
    if first is None or not (located or _next_is_frame(ctx, i)):
        return None
    header = find_header(ctx, i, _STRICT, _LOOSE)
    start = header.start if header else i
    top = ParsedException(language="javascript", start_line=start + 1)
    if header is not None:
        top.type, top.message = header.type, header.message
    excs = [top]
    j = i
    while j < len(ctx.lines):
        line = ctx.lines[j]
        frame = parse_v8_frame(line)
        if frame is not None:
            excs[-1].frames.append(frame)
        elif (c := _CAUSE.match(line)) is not None:
            excs.append(ParsedException(type=c.group(1), message=c.group(2) or "", language="javascript", start_line=j + 1))
            link_cause(excs, len(excs) - 2, len(excs) - 1, "cause")
        elif not _SKIP.match(line):
            break
        j += 1
    return Block(excs, start, j)


def _next_is_frame(ctx: Ctx, i: int) -> bool:
    nxt = parse_v8_frame(ctx.get(i + 1))
    return nxt is not None and (nxt.file is not None or nxt.line is not None)


def parse_at_sign_frame(line: str) -> Frame | None:
    """A Firefox/Safari ``fn@file:line:col`` line (``@`` inside brackets/quotes is part of fn)."""
    text = line.strip()
    at = _top_level_at(text)
    if at < 0:
        return None
    function, loc = text[:at], text[at + 1 :]
    function = re.sub(r"\(\[arguments not available\]\)$|\(.*\)$", "", function) if function.endswith(")") else function
    if loc == "[native code]":
        return make_frame(file=loc, function=function)
    m = _FF.match(loc)
    if m is None or not m.group(1):
        return None
    col = m.group(3)
    return make_frame(file=m.group(1), line=int(m.group(2)), column=int(col) if col else None, function=function)


def _top_level_at(text: str) -> int:
    """Index of the first ``@`` outside brackets and quotes, or -1."""
    depth = 0
    quote = ""
    for k, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        elif ch == "@" and depth <= 0:
            return k
        elif ch in " \t" and depth <= 0 and "@" not in text[k:]:
            return -1
    return -1


def _bare_location(line: str) -> Frame | None:
    """React Native / Safari lines that are just ``file:line:col``."""
    m = _FF.match(line)
    if m is None or " " in line.strip() or not m.group(3):
        return None
    return make_frame(file=m.group(1).strip(), line=int(m.group(2)), column=int(m.group(3)))


_BARE_NAME = re.compile(r"^\s*(?:[A-Za-z_$][\w$.]*|(?:eval|global) code)\s*$")


def parse_at_sign(ctx: Ctx, i: int) -> Block | None:
    """A Firefox/Safari stack (no header line) starting at line ``i``."""
    frames: list[Frame] = []
    with_at = 0
    j = i
    while j < len(ctx.lines):
        frame = parse_at_sign_frame(ctx.lines[j])
        if frame is not None:
            with_at += 1
        elif frames or _next_has_at(ctx, j):
            frame = _bare_location(ctx.lines[j]) or _bare_name(ctx.lines[j], with_at)
        if frame is None:
            break
        frames.append(frame)
        j += 1
    if with_at < 2 and not (with_at == 1 and frames[0].file and ("/" in frames[0].file or ".js" in frames[0].file)):
        return None
    exc = ParsedException(language="javascript", frames=frames, start_line=i + 1)
    return Block([exc], i, j)


def _next_has_at(ctx: Ctx, j: int) -> bool:
    for k in range(j, min(j + 6, len(ctx.lines))):
        if parse_at_sign_frame(ctx.lines[k]) is not None:
            return True
        if not _BARE_NAME.match(ctx.lines[k]):
            return False
    return False


def _bare_name(line: str, seen_at: int) -> Frame | None:
    if seen_at == 0 and _BARE_NAME.match(line):
        return make_frame(function=line.strip())
    return None
