"""Native crashes: sanitizer reports (ASan/UBSan/LSan/TSan/MSan), libFuzzer deaths, gdb ``bt``.

Sanitizer type names follow the corpus convention: the tool plus the first word of the report
(``AddressSanitizer: heap-use-after-free``), libFuzzer its whole reason (``libFuzzer: deadly
signal``), UBSan ``UndefinedBehaviorSanitizer: runtime error``, gdb the signal name. The first
stack after the header is the exception's; later ones (freed by / previously allocated by /
thread created / other leaks / the frame a stack address lies in) are extra stacks labelled by the
line that introduces them.
"""

from __future__ import annotations

import re

from ._base import Block, Ctx, indent_of, make_frame, split_location, strip_trailing_group
from .model import ExtraStack, Frame, ParsedException

TRIGGER = re.compile(r"Sanitizer|libFuzzer: |runtime error: |^\s*#\d+\s|received signal")
_SAN = re.compile(r"(?:^|==\d+==\s*|\s)(?:ERROR|WARNING): (\w*Sanitizer|libFuzzer): (.*?)\s*$")
_UBSAN = re.compile(r"^(\S+?):(\d+):(\d+): runtime error: (.*?)\s*$")
_SIGNAL = re.compile(r"(?:received|terminated with) signal (SIG\w+|\d+)(?:, (.*?))?\.?\s*$")
_SIGNALS = {"4": "SIGILL", "6": "SIGABRT", "7": "SIGBUS", "8": "SIGFPE", "11": "SIGSEGV"}
_TYPE_END = re.compile(r" on | in | \(|:")
_SAN_FRAME = re.compile(r"^\s*#(\d+)\s+(0x[0-9a-fA-F]+)\s+(?:in\s+)?(.*?)\s*$")
# gdb: "#N  [0xADDR in] fn (args) [at file:line | from module]"; fn may hold parentheses inside
# template arguments (``SetPropertyHelper<(js::ExecutionMode)0>``), so the argument list is found as
# the balanced group that ends the body.
_GDB_HEAD = re.compile(r"^\s*#\d+\s+(?:0x[0-9a-fA-F]+\s+in\s+)?([^\s(].*?\))\s*(?:at\s+(\S+?)|from\s+(\S+))?\s*$")
_DISCRIMINATOR = re.compile(r"\s+\(discriminator \d+\)$|\s+\(BuildId: [0-9a-fA-F]+\)$")
# gdb's "fn (arg=1, ...)" with no location: the space before "(" (sanitizers print "fn(int)") and
# an argument list of ``name=value`` pairs or nothing.
_GDB_ARGS = re.compile(r"^(\S.*?) \((?:[\w$.]+=.*)?\)$")
_UNKNOWN_MODULE = "(<unknown module>)"
_UNKNOWN_LOCATION = re.compile(r"^\?\?(?::[?\d]+){0,2}$")
_MODULE_NAME = re.compile(r"^[\w.+-]+$")
_WRAP_MIN = 80
# Android ASan prints the crashing thread's creation stack after SUMMARY; it still belongs to the report.
_THREAD_AFTER = re.compile(r"^\s*Thread T\d+.* created by .* here:\s*$")
_NOT_CONTINUATION = re.compile(r"^\s*(?:#\d+\s|==\d+==|SUMMARY:|\w+ of size |Thread T\d+|$)")
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
    return _san_rest(_DISCRIMINATOR.sub("", m.group(3)))


def _san_rest(rest: str) -> Frame:
    """What follows ``in``: ``fn``, ``fn location``, ``fn (module+0xoff)``, ``fn module``, ``(<unknown module>)``."""
    if rest == _UNKNOWN_MODULE:
        return make_frame(module=rest.strip("()"))
    mod = _MODULE.match(rest.rsplit(" ", 1)[-1]) if rest else None
    if mod is not None:
        function = rest.rsplit(" ", 1)[0] if " " in rest else None
        return make_frame(file=mod.group(1), function=function)
    if " " not in rest:
        return make_frame(function=rest or None)
    gdb = _GDB_ARGS.match(rest)
    if gdb is not None:
        return make_frame(function=gdb.group(1))
    function, loc = rest.rsplit(" ", 1)
    if _UNKNOWN_LOCATION.match(loc):  # llvm-symbolizer's "??:?" / "??:0:0": the file is unknown
        return make_frame(function=function)
    if _balanced(function) and _LOCATION.match(loc) and not loc.endswith(")"):
        file, number, col = split_location(loc)
        return make_frame(file=file, line=number, column=col, function=function)
    if _balanced(function) and " " not in function and _MODULE_NAME.match(loc):
        # "malloc _asan_rtl_": a symbol in a module with no source location (module_only: file = module)
        return make_frame(file=loc, function=function, module=loc)
    return make_frame(function=rest)


def _balanced(text: str) -> bool:
    """Whether every bracket in ``text`` is closed (a symbol is not cut inside its parameter list)."""
    return text.count("(") == text.count(")")


def _gdb_frame(line: str) -> Frame | None:
    m = _GDB_HEAD.match(line)
    if m is None:
        return None
    body, file, module = m.group(1), m.group(2), m.group(3)
    split = strip_trailing_group(body)
    if split is None or not split[0].strip():
        return None
    function = split[0].strip()
    if file:
        path, number, col = split_location(file)
        return make_frame(file=path, line=number, column=col, function=function)
    return make_frame(file=module, function=function)


def _joined(ctx: Ctx, j: int) -> tuple[str, int]:
    """Line ``j``, joined with the next when a long frame line was hard-wrapped: (text, lines used).

    Crash collectors wrap at a fixed width, mid-symbol; the rest lands on the next line with less
    indentation than the frames and no ``#N``.
    """
    line, nxt = ctx.lines[j], ctx.get(j + 1)
    if len(line) < _WRAP_MIN or not nxt.strip() or not _SAN_FRAME.match(line):
        return line, 1
    if indent_of(nxt) >= indent_of(line) or _NOT_CONTINUATION.match(nxt):
        return line, 1
    rest = _SAN_FRAME.match(line + nxt)
    if rest is None or not (_unfinished(line) or _LOCATION.match(nxt.strip())):
        return line, 1
    return line + nxt, 2


def _unfinished(line: str) -> bool:
    return line.count("(") > line.count(")") or line.count("<") > line.count(">")


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
        line, used = _joined(ctx, j) if "#" in ctx.lines[j] else (ctx.lines[j], 1)
        if _END.match(line):
            last_frame = j + 1
            if not _THREAD_AFTER.match(ctx.get(j + 1)):
                break
        frame = parse_frame(line) if "#" in line else None
        if frame is not None:
            _add_frame(stacks, frame, label, re.match(r"^\s*#0\s", line) is not None)
            label = ""
            gap, last_frame = 0, j + used
        elif (_SAN.search(line) or _header(line) is not None) and j > last_frame:
            break
        else:
            # The line just above a stack introduces it: "freed by thread T0 here:", "Address 0x.. is
            # located in stack of thread T0 at offset 32 in frame", "Uninitialized value was created by ...".
            stripped = line.strip()
            if stripped and len(stripped) < 200:
                label = stripped.rstrip(":")
            gap += 1
        j += used
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
