"""The dispatcher: walk the normalised lines, let each language parser claim the blocks it knows.

A cheap combined regex (``TRIGGER``) decides whether a line can start a block at all; only those
lines are offered to the parsers, in a fixed order (most specific first). Blocks never overlap: a
parser that looks upwards for a header stops at the end of the previous block.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from . import backtrace, dotnet, go, javascript, jvm, native, php, pytest_report, python, python_fatal, ruby, rust
from ._base import Block, Ctx
from ._text import normalise
from .inapp import is_in_app
from .model import ParsedException, ParsedTrace

Parser = Callable[[Ctx, int], "Block | None"]

# Each alternative is a literal-led pattern so the regex engine can reject most lines fast.
TRIGGER = re.compile(
    r"Traceback \(most recent call last\)|Exception Group Traceback|\(most recent call first\):"
    r"|\.py:\d+:(?: in \S+| [\w.]+)?\s*$"
    r"|^\s*(?:at\s|File \")"
    r"|^\s*(?:goroutine \d+ (?:\[|gp=)|runtime stack:)"
    r"|@"
    r"|^\s*\S+:\d+:\d+\s*$"
    r"|:in [`']"
    r"|^\s*#\d+\s"
    r"|panicked at |Sanitizer|libFuzzer: |runtime error: "
    r"|\.(?:dll|exe)!"
    r"|\.go:\d+ \(0x|^\s*Line \d+ of "
    r"|:\d+:\d+\)\s*$|\w\.(?:java|gen|kt|scala|groovy|rb)(?::\d+)?\)\s*$|^\s*ORA-\d{5}: at "
)

_PARSERS: tuple[Parser, ...] = (
    python.parse,
    python.parse_headerless,
    python_fatal.parse,
    pytest_report.parse,
    rust.parse,
    go.parse,
    go.parse_pc_stack,
    jvm.parse,
    dotnet.parse,
    backtrace.parse,
    javascript.parse,
    ruby.parse,
    php.parse,
    native.parse,
    javascript.parse_at_sign,
    javascript.parse_opera,
)


def extract_lines(
    lines: list[str], numbers: list[int], cut: bool = False, values: list[tuple[int, int]] | None = None
) -> ParsedTrace:
    """Parse already-normalised lines (``numbers`` maps each to its input line; ``cut``, ``values``: see Ctx)."""
    ctx = Ctx(lines, cut=cut, values=values or [])
    trace = ParsedTrace()
    i = 0
    while i < len(lines):
        block = _claim(ctx, i) if TRIGGER.search(lines[i]) else None
        if block is None:
            i += 1
            continue
        _append(trace, block, numbers)
        ctx.floor = max(block.end, i + 1)
        i = ctx.floor
    return trace


def _claim(ctx: Ctx, i: int) -> Block | None:
    for parser in _PARSERS:
        try:
            block = parser(ctx, i)
        except Exception:  # noqa: BLE001 - one parser's bug on odd input must not lose the rest
            continue
        if block is not None and (block.exceptions or block.extra):
            return block
    return None


def _append(trace: ParsedTrace, block: Block, numbers: list[int]) -> None:
    """Add a block's exceptions with their local indices shifted into the trace's."""
    base = len(trace.exceptions)
    for exc in block.exceptions:
        _shift(exc, base)
        if exc.start_line is not None and 0 < exc.start_line <= len(numbers):
            exc.start_line = numbers[exc.start_line - 1]
        for frame in exc.frames + exc.inherited_frames:
            frame.in_app = is_in_app(frame, exc.language)
        trace.exceptions.append(exc)
    for stack in block.extra:
        language = block.exceptions[0].language if block.exceptions else None
        for frame in stack.frames:
            frame.in_app = is_in_app(frame, language)
        trace.extra_stacks.append(stack)


def _shift(exc: ParsedException, base: int) -> None:
    if exc.caused_by is not None:
        exc.caused_by += base
    if exc.suppressed_by is not None:
        exc.suppressed_by += base
    if exc.member_of is not None:
        exc.member_of += base


def extract(text: str) -> ParsedTrace:
    """Every stack trace in ``text``, in every supported language, with chained causes.

    Never raises: on input it cannot make sense of it returns an empty ``ParsedTrace``.

    Args:
        text: Anything: a pasted trace, a log excerpt, a JSON log line, prose around a trace.

    Returns:
        The exceptions in printed order (``caused_by`` pointing effect -> cause) and extra stacks.
    """
    try:
        lines, numbers, values = normalise(text)
        return extract_lines(lines, numbers, cut=bool(text) and not text.endswith(("\n", "\r")), values=values)
    except Exception:  # noqa: BLE001 - the contract is "never raises"; a parser bug must not crash intake
        return ParsedTrace()
