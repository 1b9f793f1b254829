"""JavaScript stacks: V8/Node (``at fn (file:line:col)``) and Firefox/Safari (``fn@file:line:col``).

V8 frames are split at the balanced parenthesised group that ends the line (function names can
hold parentheses and brackets: ``Object.<anonymous>``, ``[Symbol.iterator]``); eval frames
(``eval at f (file:1:2), <anonymous>:1:5``) sit at their eval origin, the script that called
``eval``, with the position inside the evaluated code kept as ``Frame.eval_location``. Node prints
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
# Inside ``[errors]: [`` (AggregateError): each member starts with its own ``Type: message`` line.
_ERRORS = re.compile(r"^\s*\[errors\]:\s*\[\s*$")
_MEMBER = re.compile(r"^\s*((?:[\w$]+\.)*[A-Z][\w$]*(?:Error|Exception)|Error)(?::\s?(.*))?\s*$")
_SKIP = re.compile(r"^\s*(?:\.\.\. \d+ lines? matching cause stack trace \.\.\.|\},?|\{|\],?|at <async>)\s*$|^\s*\w+: .*,$")
_UNCLOSED = re.compile(r"^(.+?) \(([^()]+:\d+:\d+)$")
_FF_EVAL = re.compile(r"^(.*?) line (\d+) > (?:eval|Function)\b")
_FF = re.compile(r"^\s*(.*?):(\d+)(?::(\d+))?\s*$")
# Pseudo-locations V8/IE print instead of a file; kept as printed (the corpus convention).
_NATIVE = frozenset({"native", "<anonymous>", "[native code]", "unknown location"})


def parse_v8_frame(line: str) -> Frame | None:
    """A V8 ``at ...`` line as a frame (any ``at`` line that no other runtime claimed)."""
    m = _AT.match(line)
    if m is None or not m.group(1):
        return None
    # Node closes the last frame line with " {" when the error has own properties or a cause, and a
    # frame line inside an ``[errors]: [...]`` array with "," when another member follows.
    body = m.group(1)[:-2] if m.group(1).endswith(" {") else m.group(1).removesuffix(",")
    if body.startswith("async ") and _is_location(body[6:]):  # "at async file:1:2": an anonymous async frame
        body = body[6:]
    split = strip_trailing_group(body)
    if split is not None and split[0].strip() and _is_location(split[1]):
        return _frame(split[0].strip(), split[1])
    unclosed = _UNCLOSED.match(body)  # "at f (file:1:2" with the ")" lost
    if unclosed is not None:
        return _frame(unclosed.group(1), unclosed.group(2))
    if _is_location(body):
        return _frame(None, body)
    if not re.match(r"^(?:async |new )?[A-Za-z_$][\w$.<>\[\]]*$", body):
        return None
    # V8 prints the location alone when the function has no name: "at file" / "at <anonymous>".
    return make_frame(file=body) if body not in _NATIVE else None


def _is_location(text: str) -> bool:
    return text in _NATIVE or bool(re.search(r":\d+(?::\d+)?$", text)) or text.startswith("eval at ") or text.startswith("index ")


def _split_eval(loc: str) -> tuple[str, str | None]:
    """``eval at f (eval at g (file:1:2)), <anonymous>:3:4`` -> (``file:1:2``, ``<anonymous>:3:4``).

    The frame is placed at its eval origin, the innermost ``eval at`` location (the script that ran
    ``eval``, a file the repo can hold), as Sentry, stacktrace.js and stacktrace-parser do; the
    position inside the evaluated code is kept as ``Frame.eval_location``.
    """
    if not loc.startswith("eval at ") or "(" not in loc:
        return loc, None
    own = loc[_close_of(loc, loc.index("(")) + 1 :].lstrip(", ").strip() or None
    while loc.startswith("eval at ") and "(" in loc:
        split = strip_trailing_group(loc[: _close_of(loc, loc.index("(")) + 1])
        if split is None:
            break
        loc = split[1]
    return loc, own


def _close_of(text: str, open_at: int) -> int:
    depth = 0
    for k in range(open_at, len(text)):
        depth += {"(": 1, ")": -1}.get(text[k], 0)
        if depth == 0:
            return k
    return len(text) - 1


def _frame(function: str | None, loc: str) -> Frame:
    loc, own = _split_eval(loc)
    if loc in _NATIVE or loc.startswith("index "):
        frame = make_frame(file=loc if loc in _NATIVE else None, function=function)
    elif loc.startswith("eval code"):  # IE/Edge's pseudo-file for evaluated code: no file
        _, line, col = split_location(loc)
        frame = make_frame(line=line, column=col, function=function)
    else:
        file, line, col = split_location(loc)
        frame = make_frame(file=file, line=line, column=col, function=function)
    frame.eval_location = own
    return frame


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
    elif i - 1 >= ctx.floor and ctx.lines[i - 1].strip() and parse_v8_frame(ctx.lines[i - 1]) is None:
        # error.stack of a non-Error throw or a lower-case message: the first line is the message.
        start, top.message, top.start_line = i - 1, ctx.lines[i - 1].strip(), i
    excs = [top]
    j = i
    members_of: int | None = None  # the AggregateError whose ``[errors]`` array is open
    while j < len(ctx.lines):
        line = ctx.lines[j]
        frame = parse_v8_frame(line)
        if frame is not None:
            if frame.function or frame.line or (frame.file and frame.file not in _NATIVE):
                excs[-1].frames.append(frame)
        elif (c := _CAUSE.match(line)) is not None:
            excs.append(ParsedException(type=c.group(1), message=c.group(2) or "", language="javascript", start_line=j + 1))
            link_cause(excs, len(excs) - 2, len(excs) - 1, "cause")
        elif _ERRORS.match(line):
            members_of = len(excs) - 1
        elif members_of is not None and (mm := _MEMBER.match(line)) is not None:
            member = ParsedException(type=mm.group(1), message=mm.group(2) or "", language="javascript", start_line=j + 1)
            member.member_of, member.relation = members_of, "aggregate_member"
            excs.append(member)
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
    if function.startswith("<anonymous function"):  # Opera 11: "<anonymous function: run>"
        function = function[len("<anonymous function") : -1].lstrip(": ")
    if loc == "[native code]":
        return make_frame(file=loc, function=function)
    evaluated = _FF_EVAL.match(loc)
    if evaluated is not None:  # Firefox: "file.js line 26 > eval:1:30", the eval call site is line 26
        return make_frame(file=evaluated.group(1), line=int(evaluated.group(2)), function=function)
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


# A bare function name; names that read as an error type are a header, not a frame.
_BARE_NAME = re.compile(r"^\s*(?![\w$.]*(?:Error|Exception)\s*$)(?:[A-Za-z_$][\w$.]*|(?:eval|global) code)\s*$")


def parse_at_sign(ctx: Ctx, i: int) -> Block | None:
    """A Firefox/Safari stack (no header line) whose first ``@`` frame is line ``i``.

    Safari prints frames without a location as the bare function name (``baz``, ``eval code``);
    those above the first ``@`` frame belong to the stack too.
    """
    while i - 1 >= ctx.floor and _bare_name(ctx.lines[i - 1], 0) is not None and _next_has_at(ctx, i - 1):
        i -= 1
    frames: list[Frame] = []
    with_at = 0
    j = i
    while j < len(ctx.lines) and not ctx.lines[j].lstrip().startswith("Error created at "):  # Opera 11's trailer
        frame = parse_at_sign_frame(ctx.lines[j])
        if frame is not None:
            with_at += 1
        elif frames or _next_has_at(ctx, j):
            frame = _bare_location(ctx.lines[j]) or _bare_name(ctx.lines[j], with_at) or _native_code(ctx.lines[j], with_at)
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
        if not (_BARE_NAME.match(ctx.lines[k]) or _bare_location(ctx.lines[k])):
            return False
    return False


def _native_code(line: str, seen_at: int) -> Frame | None:
    """Safari prints a native caller as a bare ``[native code]`` line."""
    return make_frame(file="[native code]") if seen_at and line.strip() == "[native code]" else None


def _bare_name(line: str, seen_at: int) -> Frame | None:
    if seen_at == 0 and _BARE_NAME.match(line):
        return make_frame(function=line.strip())
    return None


# Opera 9-10 ``error.stacktrace``: "Line 4 of inline#1 script in http://x/f.js: In function bar",
# each followed by the source line it points at.
_OPERA = re.compile(r"^\s*Line (\d+) of (?:linked|inline#\d+|eval|function) script(?: in)? (\S+?)(?:: In function (\S+))?\s*$")


def parse_opera(ctx: Ctx, i: int) -> Block | None:
    """An Opera 9-10 stack whose first ``Line N of ... script`` entry is line ``i``."""
    frames: list[Frame] = []
    j = i
    while j < len(ctx.lines):
        m = _OPERA.match(ctx.lines[j])
        if m is None:
            if frames and ctx.lines[j].strip() and _OPERA.match(ctx.get(j - 1)) is not None:
                j += 1  # the source line under an entry
                continue
            break
        frames.append(make_frame(file=m.group(2), line=int(m.group(1)), function=m.group(3)))
        j += 1
    if not frames:
        return None
    return Block([ParsedException(language="javascript", frames=frames, start_line=i + 1)], i, j)
