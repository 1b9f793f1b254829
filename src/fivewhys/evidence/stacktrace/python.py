"""Python tracebacks: chained causes, 3.11 caret lines, SyntaxError blocks, ExceptionGroup trees.

CPython prints the cause first: ``raise B from A`` gives A's traceback, "The above exception was
the direct cause of the following exception:", then B's. So a later exception is ``caused_by`` the
earlier one. ExceptionGroup members are printed inside ``|``-prefixed boxes after the group.
"""

from __future__ import annotations

import re

from ._base import Block, Ctx, indent_of, link_cause
from .model import Frame, ParsedException

TRIGGER = re.compile(r"Traceback \(most recent call last\):|Exception Group Traceback")
_HEADER = re.compile(r"(?:\+ )?(?:Exception Group )?Traceback \(most recent call last\):\s*$")
_FRAME = re.compile(r'^(\s*)File "([^"]*)", line (\d+)(?:, in (.+?))?\s*$')
_EXC = re.compile(r"^\s*([A-Za-z_][\w.]*)(?::(?: (.*))?)?\s*$")
_CAUSE = "The above exception was the direct cause of the following exception:"
_CONTEXT = "During handling of the above exception, another exception occurred:"
_GROUP_BAR = re.compile(r"^(\s*)(?:\+-\+-*|[|+]) ?")
_SEPARATOR = re.compile(r"^\s*\+?-*\+?-+ (?:\d+|\.\.\.) -+\s*$|^\s*\+-+\s*$")
_MAX_GAP = 3


def parse(ctx: Ctx, i: int) -> Block | None:
    """Parse the traceback(s) whose header is on line ``i``."""
    if not _HEADER.search(ctx.lines[i]):
        return None
    if "Exception Group" in ctx.lines[i] or ctx.get(i + 1).lstrip().startswith("|"):
        return _parse_group(ctx, i)
    first, j = _parse_one(ctx.lines, i)
    excs = [first]
    j = _continue_chain(ctx.lines, excs, j)
    return Block(excs, i, j)


def _continue_chain(lines: list[str], excs: list[ParsedException], j: int) -> int:
    """Follow "The above exception..." / "During handling..." markers to the next traceback."""
    while True:
        relation, nxt = _chain_marker(lines, j)
        if relation is None:
            return j
        exc, j = _parse_one(lines, nxt)
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


def _parse_one(lines: list[str], h: int) -> tuple[ParsedException, int]:
    """One traceback starting at header line ``h``: frames, then the exception line."""
    frames, j = parse_frames(lines, h + 1)
    exc = ParsedException(language="python", frames=frames, start_line=h + 1)
    m = _EXC.match(lines[j]) if j < len(lines) else None
    if m is not None and (frames or j == h + 1):
        exc.type = m.group(1)
        exc.message = (m.group(2) or "").strip()
        j += 1
    return exc, j


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
    """An ExceptionGroup tree: strip the box drawing and parse group + members in order."""
    base = indent_of(ctx.lines[i])
    body: list[str] = []
    j = i
    while j < len(ctx.lines):
        line = ctx.lines[j]
        if j > i and (not line.strip() or indent_of(line) < base):
            break
        if j > i and indent_of(line) == base and not _GROUP_BAR.match(line):
            body.append(line[base:])
            j += 1
            break
        body.append(line)
        j += 1
    excs = _group_members(body)
    return Block(excs, i, j)


def _group_members(body: list[str]) -> list[ParsedException]:
    """Exceptions of a group body; every member points at the group it is printed under."""
    excs: list[ParsedException] = []
    depth_owner: dict[int, int] = {}
    chunk: list[str] = []
    chunk_depth = 0
    for raw in body + ["+---- end ----"]:
        depth = _bar_depth(raw)
        if _SEPARATOR.match(raw) or _HEADER.search(raw) and chunk and any(_FRAME.match(c) or _EXC.match(c) for c in chunk):
            _flush(chunk, chunk_depth, excs, depth_owner)
            chunk = []
        if _SEPARATOR.match(raw):
            continue
        if not chunk:
            chunk_depth = depth
        chunk.append(_GROUP_BAR.sub(r"\1", raw, count=depth + 1) if depth >= 0 else raw)
    return excs


def _bar_depth(line: str) -> int:
    """How many ``|`` boxes a line sits in (-1 for plain lines)."""
    count = 0
    rest = line.lstrip()
    while rest[:1] in ("|", "+"):
        count += 1
        rest = rest[1:].lstrip("-+ ").lstrip()
        if not rest.startswith("|"):
            break
    return count - 1 if count else -1


def _flush(chunk: list[str], depth: int, excs: list[ParsedException], owners: dict[int, int]) -> None:
    """Parse one member's lines and attach it to the group one level up."""
    lines = [c.lstrip(" |") if c.lstrip().startswith("|") else c for c in chunk]
    lines = [ln for ln in lines if ln.strip()]
    if not lines:
        return
    start = 0 if _HEADER.search(lines[0]) else -1
    if start < 0:
        lines.insert(0, "Traceback (most recent call last):")
        start = 0
    exc, _ = _parse_one(lines, start)
    if exc.type is None and not exc.frames:
        return
    idx = len(excs)
    excs.append(exc)
    parent = owners.get(depth - 1)
    if parent is not None and exc.type is not None:
        exc.member_of = parent
        exc.relation = "group_member"
    if exc.type and "Group" in exc.type:
        owners[depth] = idx
    elif depth not in owners:
        owners[depth] = idx
