"""JVM traces (Java, Kotlin, Scala, Groovy, Android): ``at`` frames, ``Caused by:``, ``Suppressed:``.

``Throwable.printStackTrace`` prints the outer exception first, then each cause after
"Caused by:"; suppressed exceptions are indented one tab deeper under their owner. "... N more"
means the last N frames equal the enclosing trace's; we keep the printed frames, record N in
``frames_omitted`` and copy those N frames into ``inherited_frames``.
"""

from __future__ import annotations

import re

from ._base import Block, Ctx, indent_of, link_cause, make_frame
from ._header import find_header
from .model import Frame, ParsedException

_AT = re.compile(r"^\s*at\s+([^\s()]+)\(([^()]*)\)(?:\s*~?\[[^\]]*\])?\s*$")
_JVM_LOC = re.compile(r"^(?:([^/\\:()\s]+?)(?::(\d+))?|Native Method|Unknown Source|Unknown|<generated>)$")
_TYPE = r"((?:[a-zA-Z_$][\w$]*\.)+[A-Za-z_$][\w$]*|[A-Z][\w$]*(?:Exception|Error|Throwable|Failure))"
_STRICT = re.compile(r'^\s*(?:Exception in thread "[^"]*"\s+|Uncaught exception:?\s+)?' + _TYPE + r"(?::\s?(.*))?\s*$")
# In a log line: a qualified type right after "...: " (Jazzer's "== Java Exception: a.b.C: msg"),
# else the first token that is named like an exception ("MakeLog: RuntimeException: msg").
_LOOSE = (
    re.compile(r":\s((?:[a-zA-Z_$][\w$]*\.)+[A-Z][\w$]*)(?::\s(.*)|\s*$)"),
    re.compile(r"((?:(?:[\w$]+\.)+[\w$]*|[A-Z][\w$]*)(?:Exception|Error|Throwable))(?::\s(.*)|\s*$)"),
)
_CHAIN = re.compile(r"^(\s*)(Caused by|Suppressed|Wrapped by):\s+" + _TYPE + r"(?::\s?(.*))?\s*$")
_HIDDEN = re.compile(r"0x[0-9a-fA-F]+(?:\.|$)")
_MORE = re.compile(r"^\s*\.\.\. (\d+) (?:more|common frames omitted)\s*$")


def parse_frame(line: str) -> Frame | None:
    """A JVM ``at pkg.Class.method(File.java:12)`` line, or None."""
    m = _AT.match(line)
    if m is None:
        return None
    loc = m.group(2).strip()
    lm = _JVM_LOC.match(loc)
    if lm is None:
        return None
    module, function = _split_module(m.group(1))
    frame = make_frame(function=function, module=module)
    if lm.group(1) and lm.group(1) not in ("Native Method", "Unknown Source", "Unknown"):
        frame.file = lm.group(1)
        frame.line = int(lm.group(2)) if lm.group(2) else None
    return frame


def _split_module(name: str) -> tuple[str | None, str]:
    """The module and the ``class.method`` of a Java 9+ frame name; hidden classes and lambdas keep their slash.

    ``StackTraceElement.toString`` prints ``[loader/][module[@version]/]class.method``, dropping a
    built-in loader's name, so one prefix is a module (``java.base/java.lang.Thread.run``) and two
    are a loader and a module, empty when unnamed (``app//com.x.Y.m``, ``loader/acme@2.1/a.B.m``).
    A hidden class or lambda is named ``a.B$$Lambda/0x0123.run``: what follows its slash is no class.
    """
    parts = name.split("/")
    heads = 0
    while heads < min(2, len(parts) - 1) and "$" not in parts[heads] and not _HIDDEN.match(parts[heads + 1]):
        heads += 1
    if heads == 0:
        return None, name
    return parts[heads - 1] or None, "/".join(parts[heads:])


def parse(ctx: Ctx, i: int) -> Block | None:
    """A JVM trace whose first frame is on line ``i`` (header looked up above it)."""
    first = parse_frame(ctx.lines[i])
    if first is None:
        return None
    header = find_header(ctx, i, _STRICT, _LOOSE)
    start = header.start if header else i
    top = ParsedException(language="jvm", start_line=start + 1)
    if header is not None:
        top.type, top.message = header.type, header.message or None
    excs = [top]
    indents = [indent_of(ctx.lines[start]) if header else 0]
    j = _consume(ctx, i, excs, indents)
    _inherit_omitted(excs)
    return Block(excs, start, j)


def _inherit_omitted(excs: list[ParsedException]) -> None:
    """Fill ``inherited_frames`` for every "... N more": the tail of the enclosing trace's stack.

    Java omits the frames a cause or suppressed exception shares with the trace it is printed
    under; that trace comes earlier in the text, so its own inherited frames are already known.
    """
    for idx, exc in enumerate(excs):
        enclosing = exc.suppressed_by
        if enclosing is None:
            enclosing = next((k for k in range(idx) if excs[k].caused_by == idx), None)
        if not exc.frames_omitted or enclosing is None or enclosing >= idx:
            continue
        whole = excs[enclosing].frames + excs[enclosing].inherited_frames
        if exc.frames_omitted <= len(whole):
            exc.inherited_frames = [f.model_copy() for f in whole[len(whole) - exc.frames_omitted :]]


def _consume(ctx: Ctx, j: int, excs: list[ParsedException], indents: list[int]) -> int:
    """Frames, chain headers and "... N more" lines until something else starts."""
    while j < len(ctx.lines):
        line = ctx.lines[j]
        frame = parse_frame(line)
        if frame is not None:
            excs[-1].frames.append(frame)
        elif (m := _MORE.match(line)) is not None:
            excs[-1].frames_omitted = int(m.group(1))
        elif (c := _CHAIN.match(line)) is not None:
            j = _chain(ctx, j, c, excs, indents)
            continue
        else:
            break
        j += 1
    return j


def _chain(ctx: Ctx, j: int, c: re.Match[str], excs: list[ParsedException], indents: list[int]) -> int:
    """Add the exception a ``Caused by:`` / ``Suppressed:`` line introduces; return the next line."""
    indent = len(c.group(1))
    message_lines = [c.group(4) or ""]
    j += 1
    # Multi-line messages run until the first frame.
    while j < len(ctx.lines) and j - len(message_lines) < j and parse_frame(ctx.lines[j]) is None:
        if _CHAIN.match(ctx.lines[j]) or _MORE.match(ctx.lines[j]) or len(message_lines) > 8:
            break
        if not ctx.lines[j].strip() and parse_frame(ctx.get(j + 1)) is None:
            break
        message_lines.append(ctx.lines[j].strip())
        j += 1
    exc = ParsedException(type=c.group(3), language="jvm", start_line=j + 1)
    exc.message = "\n".join(x for x in message_lines if x).strip() or None
    idx = len(excs)
    excs.append(exc)
    indents.append(indent)
    if c.group(2) == "Suppressed":
        owner = next((k for k in range(idx - 1, -1, -1) if indents[k] < indent), 0)
        exc.suppressed_by = owner
        exc.relation = "suppressed"
    else:
        effect = next((k for k in range(idx - 1, -1, -1) if indents[k] <= indent), idx - 1)
        if c.group(2) == "Wrapped by":
            link_cause(excs, idx, effect, "wrapped")
        else:
            link_cause(excs, effect, idx, "cause")
    return j
