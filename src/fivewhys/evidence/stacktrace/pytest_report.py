"""pytest failure reports (``--tb=auto|long|short``): entries of source, ``E`` lines and ``file.py:N:`` locations.

pytest prints the outermost call first, like CPython. A *short* entry is ``path.py:12: in func``
followed by its source line; a *long* entry is the function's source (``>`` marks the line),
the ``E`` lines when it is the raising one, a blank line, then ``path.py:12: `` (with the
exception type on the last entry), entries separated by ``_ _ _`` lines. ``auto`` (the default)
prints the first and last entries long and the others short. The function of a long entry is the
``def`` its source starts with. Chained exceptions are joined by CPython's chain sentences.
"""

from __future__ import annotations

import re

from ._base import Block, Ctx, indent_of, link_cause, make_frame
from .model import Frame, ParsedException

_SHORT = re.compile(r"^((?:[A-Za-z]:)?[^\s:][^:]*\.py):(\d+): in (\S+)\s*$")
_LONG = re.compile(r"^((?:[A-Za-z]:)?[^\s:][^:]*\.py):(\d+):(?: ([A-Za-z_][\w.]*))?\s*$")
_SEPARATOR = re.compile(r"^(?:_ )+_?\s*$")
_E_LINE = re.compile(r"^E(\s+)(.*)$")
_E_TYPED = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Warning|Exit|Interrupt|Iteration|Group)|[\w]+(?:\.[\w]+)+):(?:\s(.*))?$")
_DEF = re.compile(r"^\s*(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(")
_CHAIN = {
    "The above exception was the direct cause of the following exception:": "cause",
    "During handling of the above exception, another exception occurred:": "context",
}
_LOOKBACK = 60


def parse(ctx: Ctx, i: int) -> Block | None:
    """A pytest report whose first location line is line ``i`` (a long entry's source sits above it)."""
    if not (_SHORT.match(ctx.lines[i]) or _is_long_location(ctx, i)):
        return None
    start = _entry_start(ctx, i) if _LONG.match(ctx.lines[i]) else i
    excs = [ParsedException(language="python", start_line=start + 1)]
    j, e_lines = _entries(ctx, start, excs[-1])
    while True:
        _finish(excs[-1], e_lines)
        relation, nxt = _chain_at(ctx, j)
        if relation is None:
            break
        excs.append(ParsedException(language="python", start_line=nxt + 1))
        link_cause(excs, len(excs) - 1, len(excs) - 2, relation)
        j, e_lines = _entries(ctx, nxt, excs[-1])
    if not any(e.frames for e in excs):
        return None
    return Block(excs, start, j)


def _is_long_location(ctx: Ctx, i: int) -> bool:
    """A long entry's ``path.py:N:`` line: an ``E`` line, a ``>`` line or a separator is right around it."""
    if _LONG.match(ctx.lines[i]) is None:
        return False
    near = [ctx.get(k) for k in range(max(ctx.floor, i - 3), i + 3) if k != i]
    return any(x.startswith((">", "E ")) or _SEPARATOR.match(x) for x in near)


def _entry_start(ctx: Ctx, i: int) -> int:
    """The first source line of the long entry whose location line is ``i``."""
    k = i - 1
    while k - 1 >= max(ctx.floor, i - _LOOKBACK):
        above = ctx.lines[k - 1]
        if _SEPARATOR.match(above) or above.startswith("___") or _SHORT.match(above) or _LONG.match(above):
            break
        if above.strip() and not above.startswith((" ", ">", "E ", "\t")):
            break
        k -= 1
    while k < i and not ctx.lines[k].strip():
        k += 1
    return k


def _entries(ctx: Ctx, j: int, exc: ParsedException) -> tuple[int, list[str]]:
    """Consume entries from line ``j`` into ``exc.frames``; returns the next line and the ``E`` lines seen."""
    source: list[str] = []
    e_lines: list[str] = []
    args = False  # after a separator, up to the next blank line: the call's arguments (``a = 4, b = 0``)
    while j < len(ctx.lines):
        line = ctx.lines[j]
        if _SEPARATOR.match(line):
            args, in_args = True, True
        else:
            in_args = args
            args = args and not (not line.strip() and source and source[-1].strip() and not _SEPARATOR.match(source[-1]))
        short = _SHORT.match(line)
        long = _LONG.match(line) if short is None else None
        if short is not None:
            exc.frames.append(make_frame(file=short.group(1), line=int(short.group(2)), function=short.group(3)))
            source = []
        elif long is not None:
            exc.frames.append(_long_frame(long, source))
            source = []
            if long.group(3):
                exc.type = long.group(3)
                return j + 1, e_lines
        elif _E_LINE.match(line) is not None:
            e_lines.append(line)
        elif _SEPARATOR.match(line) or not line.strip() or line.startswith((" ", ">", "\t")) or in_args:
            source.append(line)
        else:
            break
        j += 1
    return j, e_lines


def _long_frame(m: re.Match[str], source: list[str]) -> Frame:
    """A long entry's frame: its location, and the function its source ``def`` names (None at module level)."""
    function = next((d.group(1) for x in source if (d := _DEF.match(x.lstrip(">"))) is not None), None)
    return make_frame(file=m.group(1), line=int(m.group(2)), function=function)


def _finish(exc: ParsedException, e_lines: list[str]) -> None:
    """Type and message from the ``E`` lines (``E   KeyError: 'b'``; an ``assert`` is an AssertionError)."""
    first = _E_LINE.match(e_lines[0]) if e_lines else None
    if first is None:
        return
    pad = len(first.group(1)) + 1
    body = [x[pad:] if indent_of(x[1:]) >= pad - 1 else x[1:].strip() for x in e_lines]
    typed = _E_TYPED.match(body[0])
    if typed is not None and (exc.type is None or f".{typed.group(1)}".endswith(f".{exc.type}")):
        exc.type = typed.group(1)
        body[0] = typed.group(2) or ""
    elif exc.type is None and body[0].startswith("assert "):
        exc.type = "AssertionError"
    exc.message = "\n".join(body).strip()


def _chain_at(ctx: Ctx, j: int) -> tuple[str | None, int]:
    """A chain sentence at or just after line ``j``: its relation and the next entry's first line."""
    k = j
    while k < len(ctx.lines) and k - j < 3 and not ctx.lines[k].strip():
        k += 1
    relation = _CHAIN.get(ctx.get(k).strip())
    if relation is None:
        return None, j
    k += 1
    while k < len(ctx.lines) and not ctx.lines[k].strip():
        k += 1
    return relation, k
