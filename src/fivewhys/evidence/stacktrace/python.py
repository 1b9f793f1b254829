"""Python tracebacks: chained causes, 3.11 caret lines, SyntaxError blocks, ExceptionGroup trees.

CPython prints the cause first: ``raise B from A`` gives A's traceback, "The above exception was
the direct cause of the following exception:", then B's. So a later exception is ``caused_by`` the
earlier one. ExceptionGroup members are printed inside ``|``-prefixed boxes after the group.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ._base import Block, Ctx, indent_of, link_cause
from .model import Frame, ParsedException

TRIGGER = re.compile(r"Traceback \(most recent call last\):|Exception Group Traceback")
_HEADER = re.compile(r"(?:\+ )?(?:Exception Group )?Traceback \(most recent call last\):\s*$")
_FRAME = re.compile(r'^(\s*)File "([^"]*)", line (\d+)(?:, in (.+?))?\s*$')
_EXC = re.compile(r"^\s*([A-Za-z_][\w.]*)(?::(?: (.*))?)?\s*$")
_CAUSE = "The above exception was the direct cause of the following exception:"
_CONTEXT = "During handling of the above exception, another exception occurred:"
_EXC_NAME = re.compile(r"(?:Error|Exception|Warning|Exit|Interrupt|Iteration|Group)$|\.")
_SEPARATOR = re.compile(r"^\s*\+?-*\+?-+ (?:\d+|\.\.\.) -+\s*$|^\s*\+-+\s*$")
_MAX_GAP = 3
_MAX_MESSAGE_LINES = 40
# A line that starts a record of its own (a log line, another trace) rather than continuing a message.
_NEW_RECORD = re.compile(r"^(?:\[|\d|(?:DEBUG|INFO|WARN(?:ING)?|ERROR|CRITICAL|FATAL)\b)|Traceback \(|^(?:panic|fatal error): ")
_OTHER_FRAME = re.compile(r"^\s*(?:at\s\S.*(?:\)|:\d+)|#\d+\s.*)$")  # another runtime's frame: never message text


def parse(ctx: Ctx, i: int) -> Block | None:
    """Parse the traceback(s) whose header is on line ``i``."""
    if not _HEADER.search(ctx.lines[i]):
        return None
    if "Exception Group" in ctx.lines[i] or ctx.get(i + 1).lstrip().startswith("|"):
        return _parse_group(ctx, i)
    first, j = _parse_one(ctx.lines, i, ctx.value_end)
    excs = [first]
    j = _continue_chain(ctx.lines, excs, j, ctx.value_end)
    _drop_cut_frame(ctx, excs[-1], j)
    return Block(excs, i, j)


def parse_headerless(ctx: Ctx, i: int) -> Block | None:
    """Frames with no ``Traceback`` line above: a SyntaxError in the main script, a paste missing its first line.

    CPython prints a SyntaxError raised while compiling the script as just the ``File`` line, the
    source and caret, and ``SyntaxError: msg``. A run is claimed when it ends in an exception line
    or holds two frames or more (one stray ``File "x", line 1`` in prose is not a trace).
    """
    if not _FRAME.match(ctx.lines[i]):
        return None
    frames, j = parse_frames(ctx.lines, i)
    m = _EXC.match(ctx.get(j))
    typed = m is not None and _EXC_NAME.search(m.group(1)) is not None
    if not typed and len(frames) < 2:
        return None
    exc = ParsedException(language="python", frames=frames, start_line=i + 1)
    if m is not None and typed:
        exc.type = m.group(1)
        exc.message, j = _message(ctx.lines, j, (m.group(2) or "").strip(), ctx.value_end(j))
    _drop_cut_frame(ctx, exc, j)
    return Block([exc], i, j)


def _drop_cut_frame(ctx: Ctx, exc: ParsedException, end: int) -> None:
    """A frame on the last line of a text that stops mid-line may be cut short (its function name): drop it."""
    if ctx.cut and end == len(ctx.lines) and exc.frames and _FRAME.match(ctx.lines[-1]):
        exc.frames.pop()


_ValueEnd = Callable[[int], "int | None"]
"""Line -> last line of the JSON string value it came from (``Ctx.value_end``)."""


def _continue_chain(lines: list[str], excs: list[ParsedException], j: int, value_end: _ValueEnd | None = None) -> int:
    """Follow "The above exception..." / "During handling..." markers to the next traceback."""
    while True:
        relation, nxt = _chain_marker(lines, j)
        if relation is None:
            return j
        exc, j = _parse_one(lines, nxt, value_end)
        excs.append(exc)
        link_cause(excs, len(excs) - 1, len(excs) - 2, relation)


def _chain_marker(lines: list[str], j: int) -> tuple[str | None, int]:
    """If a chain sentence (then a Traceback header) follows line ``j``: relation, header index."""
    k = _skip_blank(lines, j)
    if k >= len(lines):
        return None, j
    text = lines[k].strip()
    if text not in (_CAUSE, _CONTEXT):
        return None, j
    h = _skip_blank(lines, k + 1)
    if h >= len(lines) or not _HEADER.search(lines[h]):
        return None, j
    return ("cause" if text == _CAUSE else "context"), h


def _skip_blank(lines: list[str], j: int) -> int:
    k = j
    while k < len(lines) and k - j <= _MAX_GAP and not lines[k].strip():
        k += 1
    return k


def _parse_one(lines: list[str], h: int, value_end: _ValueEnd | None = None) -> tuple[ParsedException, int]:
    """One traceback starting at header line ``h``: frames, then the exception line."""
    frames, j = parse_frames(lines, h + 1)
    exc = ParsedException(language="python", frames=frames, start_line=h + 1)
    m = _EXC.match(lines[j]) if j < len(lines) else None
    if m is not None and (frames or j == h + 1):
        exc.type = m.group(1)
        exc.message, j = _message(lines, j, (m.group(2) or "").strip(), value_end(j) if value_end else None)
    return exc, j


def _message(lines: list[str], j: int, first: str, until: int | None = None) -> tuple[str, int]:
    """The message on the exception line ``j`` plus the lines that continue it; returns it and the next line.

    ``str(exc)`` may hold newlines and CPython prints it as is, so the lines after the exception line
    can be its message; they can just as well be the next log record. A line continues the message
    when it is indented deeper than the exception line, or when the first line ends with ":" (a
    list or block announced) and it is not shaped like a new record; a blank line always ends it.
    Inside a JSON string value (``until``: its last line) no record can follow within the value, so
    every line up to its end continues the message, up to a chain sentence or another trace.
    """
    if until is not None and until > j:
        return _value_message(lines, j, first, until)
    own = indent_of(lines[j])
    opened = first.endswith(":")
    body = [first]
    k = j + 1
    while k < len(lines) and k - j <= _MAX_MESSAGE_LINES:
        line = lines[k]
        deeper = indent_of(line) > own
        if not line.strip() or _continues_other(line) or not (deeper or (opened and indent_of(line) >= own)):
            break
        if not deeper and _NEW_RECORD.search(line.strip()):
            break
        body.append(line[own:].rstrip())
        k += 1
    return "\n".join(body), k


def _value_message(lines: list[str], j: int, first: str, until: int) -> tuple[str, int]:
    """The message of an exception line inside a JSON string value whose last line is ``until``."""
    own = indent_of(lines[j])
    body = [first]
    for line in lines[j + 1 : min(until, j + _MAX_MESSAGE_LINES) + 1]:
        if _continues_other(line):
            break
        body.append(line[min(own, indent_of(line)) :].rstrip())
    while len(body) > 1 and not body[-1].strip():  # the blank line before a chain sentence, a trailing newline
        body.pop()
    return "\n".join(body), j + len(body)


def _continues_other(line: str) -> bool:
    """A line that belongs to the trace machinery, not to a message (a chain sentence, a frame, a group box)."""
    text = line.strip()
    return text in (_CAUSE, _CONTEXT) or any(p.search(line) for p in (_HEADER, _FRAME, _SEPARATOR, _OTHER_FRAME))


def parse_frames(lines: list[str], j: int) -> tuple[list[Frame], int]:
    """``File "...", line N, in f`` frames (plus their source/caret lines) from line ``j`` on."""
    frames: list[Frame] = []
    frame_indent = -1
    while j < len(lines):
        line = lines[j]
        m = _FRAME.match(line)
        if m is not None:
            frame_indent = len(m.group(1))
            frames.append(Frame(file=m.group(2), line=int(m.group(3)), function=m.group(4)))
            j += 1
            continue
        stripped = line.strip()
        if frames and stripped and indent_of(line) > frame_indent:
            if frames[-1].source_line is None and not _is_marker(stripped):
                frames[-1].source_line = stripped
            j += 1
            continue
        if stripped.startswith("[Previous line repeated"):
            j += 1
            continue
        break
    return frames, j


def _is_marker(text: str) -> bool:
    """Caret/tilde underline lines (3.11+) and the SyntaxError caret."""
    return not text.strip("^~ ")


def _parse_group(ctx: Ctx, i: int) -> Block:
    """An ExceptionGroup tree (3.11+): box-drawn, one nesting level per two columns.

    ``+ Exception Group Traceback`` opens the group at column ``base``; its own lines carry ``|`` at
    ``base``, its members' at ``base + 2`` (nested groups add two more); ``+-+---- N ----`` and
    ``+---- N ----`` separate members, ``+------`` closes a group.
    """
    base = indent_of(ctx.lines[i])
    chunks: list[tuple[int, list[str]]] = []
    j = i
    while j < len(ctx.lines):
        line = ctx.lines[j]
        col = indent_of(line)
        mark = line[col : col + 1]
        if not line.strip() or col < base or mark not in ("|", "+") or (col - base) % 2:
            break
        depth = (col - base) // 2
        if _SEPARATOR.match(line):
            chunks.append((-1, []))  # a separator always ends the member before it
        else:
            if not chunks or chunks[-1][0] != depth:
                chunks.append((depth, []))
            chunks[-1][1].append(line[col + 2 :])
        j += 1
    excs: list[ParsedException] = []
    owners: dict[int, int] = {}
    for depth, lines in chunks:
        if depth >= 0 and lines:
            _add_member(lines, depth, excs, owners)
    return Block(excs, i, j)


def _add_member(lines: list[str], depth: int, excs: list[ParsedException], owners: dict[int, int]) -> None:
    """Parse one box's lines (a traceback, or just ``Type: message``) and attach it to its group."""
    lines = ["Traceback (most recent call last):", *lines] if not _HEADER.search(lines[0]) else lines
    exc, end = _parse_one(lines, 0)
    if exc.type is None and not exc.frames:
        return
    chain = [exc]
    _continue_chain(lines, chain, end)
    first = len(excs)
    for member in chain:
        if member.caused_by is not None:
            member.caused_by += first
        excs.append(member)
    parent = owners.get(depth - 1)
    headline = excs[-1]
    if parent is not None:
        headline.member_of = parent
        headline.relation = headline.relation or "group_member"
    owners[depth] = len(excs) - 1
