"""Finding the ``Type: message`` header above a run of ``at`` frames (JVM, .NET, V8).

Those runtimes print the header first and the frames after, but in logs the header often shares
its line with a logger prefix, and the message can span several lines. So the frame run is found
first (cheap, precise) and the header is searched for upwards, never past ``ctx.floor``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._base import Ctx

_LOOKBACK = 12


@dataclass
class Header:
    """A header found above a frame run."""

    start: int
    type: str | None
    message: str


def find_header(
    ctx: Ctx, first_frame: int, strict: re.Pattern[str], loose: re.Pattern[str] | tuple[re.Pattern[str], ...] = ()
) -> Header | None:
    """The header of the frame run starting at ``first_frame``.

    ``strict`` must match a whole line that starts with the type (group 1 type, group 2 message);
    ``loose`` patterns may match anywhere in the line (log prefixes), tried in order after
    ``strict`` on each line; the nearest line with any match wins.
    """
    looses = (loose,) if isinstance(loose, re.Pattern) else loose
    lo = max(ctx.floor, first_frame - _LOOKBACK)
    found: tuple[int, re.Match[str]] | None = None
    for k in range(first_frame - 1, lo - 1, -1):
        line = ctx.lines[k]
        m = strict.match(line) or next((x for p in looses if (x := p.search(line)) is not None), None)
        if m is not None:
            found = (k, m)
            break
    if found is None:
        return None
    k, m = _widen(ctx, found[0], found[1], strict, lo)
    rest = [ctx.lines[x].strip() for x in range(k + 1, first_frame)]
    message = "\n".join([(m.group(2) or "").strip(), *[r for r in rest if r]]).strip()
    return Header(k, m.group(1), message)


def _widen(ctx: Ctx, k: int, m: re.Match[str], strict: re.Pattern[str], lo: int) -> tuple[int, re.Match[str]]:
    """Climb to an outer header whose message introduces this one ("nested exception is:")."""
    above = k - 1
    while above >= lo and not ctx.lines[above].strip():
        above -= 1
    if above < lo or not ctx.lines[above].rstrip().endswith(":"):
        return k, m
    for x in range(above - 1, max(lo, above - 4) - 1, -1):
        outer = strict.match(ctx.lines[x])
        if outer is not None:
            return x, outer
    return k, m
