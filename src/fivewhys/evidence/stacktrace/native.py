"""Native crashes: sanitizer reports (ASan/UBSan/LSan/TSan/MSan), libFuzzer deaths, gdb ``bt``.

Sanitizer type names follow the corpus convention: the tool plus the first word of the report
(``AddressSanitizer: heap-use-after-free``), libFuzzer its whole reason (``libFuzzer: deadly
signal``), UBSan ``UndefinedBehaviorSanitizer: runtime error``, gdb the signal name. The first
stack after the header is the exception's; later ones (freed by / previously allocated by /
thread created / other leaks) are extra stacks labelled by the line that introduces them.
"""

from __future__ import annotations

import re

from ._base import Block, Ctx, make_frame, split_location
from .model import ExtraStack, Frame, ParsedException

TRIGGER = re.compile(r"Sanitizer|libFuzzer: |runtime error: |^\s*#\d+\s|received signal")
_SAN = re.compile(r"(?:^|==\d+==\s*|\s)(?:ERROR|WARNING): (\w*Sanitizer|libFuzzer): (.*?)\s*$")
_UBSAN = re.compile(r"^(\S+?):(\d+):(\d+): runtime error: (.*?)\s*$")
_SIGNAL = re.compile(r"(?:received|terminated with) signal (SIG\w+|\d+)(?:, (.*?))?\.?\s*$")
_SIGNALS = {"4": "SIGILL", "6": "SIGABRT", "7": "SIGBUS", "8": "SIGFPE", "11": "SIGSEGV"}
_TYPE_END = re.compile(r" on | in | \(|:")
_SAN_FRAME = re.compile(r"^\s*#(\d+)\s+(0x[0-9a-fA-F]+)\s+(?:in\s+)?(.*?)\s*$")
_GDB_FRAME = re.compile(r"^\s*#(\d+)\s+(?:(0x[0-9a-fA-F]+)\s+in\s+)?(\S.*?)\s*(?:\((.*)\))?\s*(?:at\s+(\S+)|from\s+(\S+))?\s*$")
_MODULE = re.compile(r"^\((.+?)\+0x[0-9a-fA-F]+\)$")
_LOCATION = re.compile(r"^(?:(?:[A-Za-z]:)?[\w./\\~+-]*[/\\.][\w./\\~+-]*)(?::\d+(?::\d+)?)?$")
_END = re.compile(r"^\s*(?:SUMMARY: |==\d+==\s*ABORTING|MS: \d+ |artifact_prefix=)")
_GAP = 25


def parse_frame(line: str) -> Frame | None:
    """A sanitizer ``#N 0xADDR in fn file:line:col`` / ``(module+0xoff)`` frame, or a gdb frame."""
    if ") at " in line or ") from " in line:
        return _gdb_frame(line)
    m = _SAN_FRAME.match(line)
    if m is None:
        return _gdb_frame(line)
    rest = m.group(3)
    mod = _MODULE.match(rest.rsplit(" ", 1)[-1]) if rest else None
    if mod is not None:
        function = rest.rsplit(" ", 1)[0] if " " in rest else None
        return make_frame(file=mod.group(1), function=function)
    if " " in rest:
        function, loc = rest.rsplit(" ", 1)
        if _LOCATION.match(loc) and not loc.endswith(")"):
            file, number, col = split_location(loc)
            return make_frame(file=file, line=number, column=col, function=function)
    return make_frame(function=rest or None)


def _gdb_frame(line: str) -> Frame | None:
    m = re.match(r"^\s*#(\d+)\s+(?:0x[0-9a-fA-F]+\s+in\s+)?([^\s(][^(]*?)\s*\((.*?)\)\s*(?:at\s+(\S+?)|from\s+(\S+))?\s*$", line)
    if m is None:
        return None
    if m.group(4):
        file, number, col = split_location(m.group(4))
        return make_frame(file=file, line=number, column=col, function=m.group(2))
    return make_frame(file=m.group(5), function=m.group(2))


def parse(ctx: Ctx, i: int) -> Block | None:
    """A sanitizer/libFuzzer report or gdb backtrace whose header (or first frame) is line ``i``."""
    line = ctx.lines[i]
    exc = _header(line)
    if exc is None:
        if parse_frame(line) is None or not re.match(r"^\s*#0\s", line):
            return None
        exc = _signal_above(ctx, i)
    exc.start_line = i + 1
    extra: list[ExtraStack] = []
    j = _stacks(ctx, i + 1 if _header(line) else i, exc, extra)
    return Block([exc], i, j, extra)


def _header(line: str) -> ParsedException | None:
    m = _SAN.search(line)
    if m is not None:
        tool, text = m.group(1), m.group(2)
        if tool == "libFuzzer":
            return ParsedException(type=f"libFuzzer: {text}", message=text, language="native")
        first = _TYPE_END.split(text, maxsplit=1)[0]
        return ParsedException(type=f"{tool}: {first}", message=text, language="native")
    u = _UBSAN.match(line)
    if u is not None:
        return ParsedException(type="UndefinedBehaviorSanitizer: runtime error", message=u.group(4), language="native")
    return None


def _signal_above(ctx: Ctx, i: int) -> ParsedException:
    """A gdb backtrace's exception: the signal named a few lines above (type None if none)."""
    for k in range(i - 1, max(ctx.floor, i - 6) - 1, -1):
        m = _SIGNAL.search(ctx.lines[k])
        if m is not None:
            name = _SIGNALS.get(m.group(1), m.group(1))
            return ParsedException(type=name, message=m.group(2), language="native")
    return ParsedException(language="native")


def _stacks(ctx: Ctx, j: int, exc: ParsedException, extra: list[ExtraStack]) -> int:
    """Frames of the primary stack and the labelled secondary stacks, up to the report's end."""
    stacks: list[tuple[str, list[Frame]]] = [("", exc.frames)]
    label = ""
    gap = 0
    last_frame = j
    while j < len(ctx.lines) and gap <= _GAP:
        line = ctx.lines[j]
        if _END.match(line):
            last_frame = j + 1
            break
        frame = parse_frame(line) if "#" in line else None
        if frame is not None:
            _add_frame(stacks, frame, label, re.match(r"^\s*#0\s", line) is not None)
            label = ""
            gap, last_frame = 0, j + 1
        elif _SAN.search(line) and j > last_frame:
            break
        else:
            stripped = line.strip()
            if stripped.endswith(":") and len(stripped) < 200:
                label = stripped.rstrip(":")
            gap += 1
        j += 1
    extra.extend(ExtraStack(label=lb or "(unlabelled stack)", frames=fr) for lb, fr in stacks[1:])
    return last_frame


def _add_frame(stacks: list[tuple[str, list[Frame]]], frame: Frame, label: str, first: bool) -> None:
    """Append to the current stack; a new ``#0`` starts the next stack (gdb's repeated #0 excepted)."""
    current = stacks[-1][1]
    if first and current:
        if len(current) == 1 and current[0] == frame:
            return
        stacks.append((label, []))
    stacks[-1][1].append(frame)
