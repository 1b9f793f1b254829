"""Shared plumbing for the language parsers: the line context, the block result, small helpers.

Every language parser is a function ``parse(ctx, i) -> Block | None`` that looks at line ``i`` of
the normalised text and, when a trace of its language starts (or, for header-less formats, its
first frame sits) there, consumes it. ``ctx.floor`` is the first line not yet claimed by an earlier
block: parsers that find the header by looking back from the first frame never look past it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from .model import ExtraStack, Frame, ParsedException

# Lines longer than this are cut before any regex sees them: traces never need more, and it keeps
# the per-line cost bounded on pathological input (one 50 MB line of minified JS).
MAX_LINE = 4000


@dataclass
class Ctx:
    """The normalised lines of one text and the first line no block has claimed yet."""

    lines: list[str]
    floor: int = 0
    cut: bool = False
    """The text ends without a newline: its last line may have been cut mid-way (truncated log)."""
    values: list[tuple[int, int]] = field(default_factory=list)
    """``(first, last)`` lines of each multi-line JSON string value the text held, in order."""

    def get(self, i: int) -> str:
        """Line ``i``, or "" past the end."""
        return self.lines[i] if 0 <= i < len(self.lines) else ""

    def value_end(self, i: int) -> int | None:
        """The last line of the JSON string value line ``i`` was unfolded from; None for a plain line."""
        k = bisect_right(self.values, (i, len(self.lines))) - 1
        return self.values[k][1] if k >= 0 and self.values[k][0] <= i <= self.values[k][1] else None


@dataclass
class Block:
    """What one parser consumed: exceptions (``caused_by`` etc. local to the block) and extras.

    ``start`` is the first line the block covers (it can precede the trigger line when the header
    was found by looking back), ``end`` the line after the last one consumed.
    """

    exceptions: list[ParsedException]
    start: int
    end: int
    extra: list[ExtraStack] = field(default_factory=list)


def indent_of(line: str) -> int:
    """Width of the leading whitespace (a tab counts as one column)."""
    return len(line) - len(line.lstrip())


def strip_trailing_group(text: str, open_: str = "(", close: str = ")") -> tuple[str, str] | None:
    """Split ``name(args)`` at the balanced group that ends the text: returns (name, args)."""
    text = text.rstrip()
    if not text.endswith(close):
        return None
    depth = 0
    for k in range(len(text) - 1, -1, -1):
        ch = text[k]
        if ch == close:
            depth += 1
        elif ch == open_:
            depth -= 1
            if depth == 0:
                return text[:k], text[k + 1 : -1]
    return None


_LOC = re.compile(r"^(.*?):(\d+)(?::(\d+))?$")


def split_location(loc: str) -> tuple[str | None, int | None, int | None]:
    """``file:line:col`` / ``file:line`` / ``file`` -> (file, line, column)."""
    m = _LOC.match(loc)
    if m is None:
        return (loc or None), None, None
    col = m.group(3)
    return m.group(1) or None, int(m.group(2)), int(col) if col else None


def make_frame(
    file: str | None = None,
    line: int | None = None,
    column: int | None = None,
    function: str | None = None,
    module: str | None = None,
) -> Frame:
    """A Frame with empty strings turned into None."""
    return Frame(file=file or None, line=line, column=column, function=function or None, module=module or None)


def link_cause(excs: list[ParsedException], effect: int, cause: int, relation: str) -> None:
    """Record that ``excs[effect]`` was caused by ``excs[cause]``."""
    excs[effect].caused_by = cause
    excs[cause].relation = relation
