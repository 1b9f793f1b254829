"""Go panics and goroutine dumps.

A crash prints ``panic: value`` (or ``fatal error: msg``), then one section per goroutine
(``goroutine 7 [running]:``) of function-line / file-line pairs, ``created by`` lines, and
sometimes a ``runtime stack:`` section. A signal in C code (cgo) prints ``SIGSEGV: segmentation
violation`` and ``PC=0x.. m=0 sigcode=1`` instead; its type is the signal's name. By the corpus
convention the first goroutine after the panic belongs to the exception; the other sections are
extra stacks. Frames are found first and the panic header is looked up above them, so
log-prefixed headers (``http: panic serving ...``) and dumps without any panic (SIGQUIT) both work.
"""

from __future__ import annotations

import re

from ._base import Block, Ctx, link_cause, make_frame, strip_trailing_group
from .model import ExtraStack, Frame, ParsedException

# Go 1.23+ puts "gp=0x.. m=3 mp=0x.." in the header of the goroutine a runtime throw is about;
# the label keeps the classic "goroutine N [state]".
_SECTION = re.compile(
    r"^\s*(?:(goroutine \d+)(?: gp=0x[0-9a-fA-F]+)?(?: m=(?:\d+|nil))?(?: mp=0x[0-9a-fA-F]+)?( \[[^\]]*\])|(runtime stack)):\s*$"
)
_PANIC = re.compile(r"(?:^|\s)(panic|fatal error)(?: serving \S+)?: (.*?)\s*$")
# A signal the runtime cannot turn into a panic (one in C code, GOTRACEBACK=crash): the signal's
# name and description, then "PC=0x.. m=0 sigcode=1". SIGQUIT is a requested dump, not a crash.
_SIGNAL = re.compile(r"^\s*(SIG[A-Z0-9]+): (.+?)\s*$")
_PC = re.compile(r"^\s*PC=0x[0-9a-fA-F]+\b")
_FILE = re.compile(r"^\s*(\S.*?):(\d+)(?:\s+\+0x[0-9a-fA-F]+)?(?:\s+(?:fp|sp|pc)=0x[0-9a-fA-F]+)*\s*$")
_CREATED = re.compile(r"^\s*created by (\S+)")
_ELIDED = re.compile(r"^\s*\.\.\.(?:additional frames elided|\s*\d+ frames elided)\.\.\.\s*$")
_UNAVAILABLE = re.compile(r"^\s*goroutine running on other thread; stack unavailable\s*$")
_LOOKBACK = 10


def parse(ctx: Ctx, i: int) -> Block | None:
    """Goroutine sections starting at line ``i`` plus the panic header above them."""
    if not _SECTION.match(ctx.lines[i]):
        return None
    header_at, panics = _find_panics(ctx, i)
    sections, j = _sections(ctx, i)
    excs = [ParsedException(type=kind, message=message, language="go") for kind, message in panics]
    for k in range(1, len(excs)):  # "panic: A [recovered]" then "\tpanic: B": B was raised while A unwound
        link_cause(excs, k, k - 1, "context")
    extra: list[ExtraStack] = []
    owner = excs[-1] if excs else None
    for label, frames in sections:
        if owner is not None and label != "runtime stack":
            owner.frames, owner.thread, owner = frames, label, None
        else:
            extra.append(ExtraStack(label=label, frames=frames))
    start = header_at if header_at is not None else i
    if excs:
        excs[0].start_line = start + 1
    return Block(excs, start, j, extra)


def _find_panics(ctx: Ctx, i: int) -> tuple[int | None, list[tuple[str, str]]]:
    """The ``panic:`` / ``fatal error:`` lines above ``i``: the first one's index and each (kind, message).

    A panic raised while an earlier one unwinds prints as a group, earliest first:
    ``panic: A [recovered]`` then ``\tpanic: B``; the goroutine below is the last one's.
    """
    found: list[tuple[int, re.Match[str]]] = []
    for k in range(i - 1, max(ctx.floor, i - _LOOKBACK) - 1, -1):
        m = _PANIC.search(ctx.lines[k])
        if m is None and _PC.match(ctx.get(k + 1)):
            m = _SIGNAL.match(ctx.lines[k])
            if m is not None and m.group(1) == "SIGQUIT":
                return k, []
        if m is not None:
            found.append((k, m))
        elif found and ctx.lines[k].strip():
            break
    if not found:
        return None, []
    found.reverse()
    return found[0][0], [(m.group(1), m.group(2)) for _, m in found]


def _sections(ctx: Ctx, i: int) -> tuple[list[tuple[str, list[Frame]]], int]:
    """Every consecutive goroutine section from line ``i``; returns them and the end line."""
    sections: list[tuple[str, list[Frame]]] = []
    j = i
    while j < len(ctx.lines):
        line = ctx.lines[j]
        sm = _SECTION.match(line)
        if sm is not None:
            sections.append((sm.group(3) or sm.group(1) + sm.group(2), []))
            j += 1
            continue
        step = _frame_at(ctx, j, sections[-1][1])
        if step == 0:
            if not line.strip() and _SECTION.match(ctx.get(_next_nonblank(ctx, j))):
                j = _next_nonblank(ctx, j)
                continue
            break
        j += step
    return sections, j


def _frame_at(ctx: Ctx, j: int, frames: list[Frame]) -> int:
    """Consume a function/file pair, a ``created by`` pair or an elision line; lines used (0: none)."""
    line = ctx.lines[j]
    if _ELIDED.match(line):
        return 1
    if _UNAVAILABLE.match(line):
        frames.append(make_frame(file="<unavailable>"))  # panicparse's placeholder for an unknown stack
        return 1
    if _CREATED.match(line):
        return 2 if _FILE.match(ctx.get(j + 1)) else 1
    split = strip_trailing_group(line.strip())
    fm = _FILE.match(ctx.get(j + 1))
    if split is None or not split[0] or " " in split[0]:
        return 0
    if fm is None:
        # A function line whose file line is cut off (a truncated dump) still names the frame.
        if _is_cut(ctx, j + 1):
            frames.append(make_frame(function=split[0]))
            return 2
        return 0
    frame = make_frame(file=fm.group(1), line=int(fm.group(2)), function=split[0])
    frame.arguments = split[1].strip() or None
    frames.append(frame)
    return 2


def nil_receiver(frame: Frame) -> str | None:
    """``T`` when ``frame`` is a method ``pkg.(*T).M`` whose printed receiver word is ``0x0``: the
    method was called on a nil ``*T`` (Go prints a pointer receiver as the first argument word)."""
    m = _POINTER_METHOD.search(frame.function or "")
    first = (frame.arguments or "").split(",", 1)[0].strip()
    return m.group(1) if m is not None and first == "0x0" else None


_POINTER_METHOD = re.compile(r"\(\*([\w.\[\]]+)\)\.\w+$")


def _is_cut(ctx: Ctx, k: int) -> bool:
    """Line ``k`` is an indented file line cut short (no ``:line``) and the text ends there."""
    line = ctx.get(k)
    return line[:1] in ("\t", " ") and ":" not in line and not ctx.get(k + 1).strip() and not ctx.get(k + 2).strip()


def _next_nonblank(ctx: Ctx, j: int) -> int:
    k = j
    while k < len(ctx.lines) and not ctx.lines[k].strip() and k - j < 3:
        k += 1
    return k


def parse_frame_pair(func_line: str, file_line: str) -> Frame | None:
    """One Go frame from its two printed lines (used by the pretty-printer round-trip tests)."""
    split = strip_trailing_group(func_line.strip())
    fm = _FILE.match(file_line)
    if split is None or fm is None:
        return None
    return make_frame(file=fm.group(1), line=int(fm.group(2)), function=split[0])


# ``file.go:12 (0x4a3b2c)``: the one-line-per-frame stack some Go loggers print on a recovered
# panic (runtime.Caller + pc), below a log line that carries the panic value.
_PC_FRAME = re.compile(r"^\s*(\S+\.(?:go|s)):(\d+) \(0x[0-9a-fA-F]+\)\s*$")
_LOG_PANIC = re.compile(r"(?i:panic)[^:]*: (.*?)\s*$")


def parse_pc_stack(ctx: Ctx, i: int) -> Block | None:
    """A run (two or more) of ``file.go:line (0xpc)`` lines starting at line ``i``."""
    j = i
    frames: list[Frame] = []
    while j < len(ctx.lines) and (m := _PC_FRAME.match(ctx.lines[j])) is not None:
        frames.append(make_frame(file=m.group(1), line=int(m.group(2))))
        j += 1
    if len(frames) < 2:
        return None
    above = ctx.get(i - 1) if i - 1 >= ctx.floor else ""
    header = _LOG_PANIC.search(above)
    if header is None:
        return Block([], i, j, [ExtraStack(label="(unlabelled stack)", frames=frames)])
    value = header.group(1)
    runtime = value.find("runtime error: ")
    message = value[runtime:] if runtime >= 0 else value
    exc = ParsedException(type="panic", message=message, frames=frames, language="go", start_line=i)
    return Block([exc], i - 1, j)
