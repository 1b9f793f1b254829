"""C#/.NET traces: ``Type: msg ---> Inner: msg`` headers, ``at Ns.Type.Method(args) in file:line N``.

``Exception.ToString()`` prints the whole inner chain in the header (outer first, joined by
`` ---> ``), then the innermost exception's frames, "--- End of inner exception stack trace ---",
the next outer frames, and so on. So frame segments map onto the chain from the inside out.
"""

from __future__ import annotations

import html
import re

from ._base import Block, Ctx, link_cause, make_frame
from ._header import Header, find_header
from .model import Frame, ParsedException

_AT = re.compile(
    r"^\s*at\s+([A-Za-z_][\w.`<>\[\],|$+=]*?)\s?\(([^()]*)\)(?:\s*\[0x[0-9a-fA-F]+\])?"
    r"(?:\s+in\s+(.+?)(?::line\s+(\d+)|:(\d+))?)?\s*$"
)
_BANG = re.compile(r"^\s*([\w.-]+\.(?:dll|exe))!([A-Za-z_][\w.`<>\[\]]*)\((.*)\)(?:\s+Line\s+(\d+))?\s*$")
_TYPE = r"((?:[A-Za-z_][\w`]*\.)+[A-Za-z_][\w`]*|[A-Z]\w*Exception)(?:\s\((?:0x[0-9A-Fa-f]{8}|-?\d+)\))?"
_STRICT = re.compile(r"^\s*(?:Unhandled [Ee]xception\.\s+)?" + _TYPE + r"(?::\s?(.*))?\s*$")
_LOOSE = re.compile(r"((?:[A-Za-z_]\w*\.)+\w*Exception)(?:\s\((?:0x[0-9A-Fa-f]{8}|-?\d+)\))?(?::\s(.*)|\s*$)")
_NESTED = re.compile(r"^\s*" + _TYPE + r"(?::\s?(.*))?$", re.S)
_END_INNER = re.compile(r"^\s*--- End of inner exception stack trace ---\s*$")
# AggregateException.ToString() lists every member after the main trace: " ---> (Inner Exception #1) T: msg".
_MEMBER = re.compile(r"^\s*---> \(Inner Exception #(\d+)\) " + _TYPE + r"(?::\s?(.*?))?(?:<---)?\s*$")
_END_OTHER = re.compile(r"^\s*--- (?:End of stack trace from previous location|Exception rethrown at).*---?\s*$")
_MAX_MESSAGE_LINES = 200
_V8_LOCATIONS = frozenset({"native", "<anonymous>", "unknown location"})
# Parameters as .NET prints them: "Type name, ..." — or bare types for dynamic methods and lambdas
# ("lambda_method12(Closure, Object, Object[])").
_PARAM = re.compile(r"^\s*(?:[\w.`<>\[\],&*]+(?:\s+[\w]+)?)?\s*(?:,\s*[\w.`<>\[\],&*]+(?:\s+\w+)?\s*)*$")


def parse_frame(line: str) -> Frame | None:
    """A .NET ``at`` line (or a VS ``Module.dll!Ns.T.M()`` line), or None."""
    if "&lt;" in line or "&gt;" in line:
        line = html.unescape(line)
    m = _AT.match(line.removesuffix("<---"))
    if m is None:
        b = _BANG.match(line)
        if b is None:
            return None
        return make_frame(function=b.group(2), module=b.group(1), line=int(b.group(4)) if b.group(4) else None)
    args, file = m.group(2), m.group(3)
    if file is None and args.strip() in _V8_LOCATIONS:
        return None  # "at Array.forEach (native)" is a V8 frame, not .NET parameters
    if file is None and args.strip() and not _PARAM.match(args):
        return None
    if file is None and args.strip() and " " not in args.strip() and ":" in args:
        return None
    number = m.group(4) or m.group(5)
    return make_frame(file=file, line=int(number) if number else None, function=m.group(1))


def parse(ctx: Ctx, i: int) -> Block | None:
    """A .NET trace whose first frame is on line ``i``."""
    if parse_frame(ctx.lines[i]) is None:
        return None
    header = find_header(ctx, i, _STRICT, _LOOSE)
    if header is not None and header.type is not None:
        header = _outer_header(ctx, i, header.start, header.type) or header
    excs = _chain(header.type, header.message) if header else [ParsedException(language="dotnet")]
    start = header.start if header else i
    excs[0].start_line = start + 1
    segments: list[list[Frame]] = [[]]
    members: list[ParsedException] = []
    j = i
    while j < len(ctx.lines):
        line = ctx.lines[j]
        frame = parse_frame(line)
        if frame is not None:
            (members[-1].frames if members else segments[-1]).append(frame)
        elif _END_INNER.match(line) and not members:
            segments.append([])
        elif (mm := _MEMBER.match(line)) is not None:
            members.append(ParsedException(type=mm.group(2), message=(mm.group(3) or "").strip(), language="dotnet", start_line=j + 1))
        elif not (_END_OTHER.match(line) or (members and not line.strip() and _MEMBER.match(ctx.get(j + 1)))):
            break
        j += 1
    # The first segment belongs to the innermost exception, the last to the outermost.
    for depth, frames in enumerate(segments):
        excs[max(len(excs) - 1 - depth, 0)].frames.extend(frames)
    _add_members(excs, members)
    return Block(excs, start, j)


def _add_members(excs: list[ParsedException], members: list[ParsedException]) -> None:
    """Attach an AggregateException's listed members; the one already printed as its inner is not repeated."""
    inner = excs[1] if len(excs) > 1 else None
    for member in members:
        if inner is not None and (member.type, member.message) == (inner.type, inner.message):
            continue
        member.member_of, member.relation = 0, "aggregate_member"
        excs.append(member)


def _outer_header(ctx: Ctx, first_frame: int, k: int, inner_type: str) -> Header | None:
    """The chain's first line when line ``k`` continues it (``...msg ---> Inner: msg2``).

    A multi-line message (SQL, "Parameter name:") pushes the outer ``Type: msg`` line further up
    than the header search looks; the `` ---> `` before the type found says there is one.
    """
    line = ctx.lines[k]
    if not line[: line.find(inner_type)].rstrip().endswith("--->"):
        return None
    for top in range(k - 1, max(ctx.floor, k - _MAX_MESSAGE_LINES) - 1, -1):
        m = _STRICT.match(ctx.lines[top])
        if m is not None:
            rest = [ctx.lines[x].strip() for x in range(top + 1, first_frame)]
            return Header(top, m.group(1), "\n".join([(m.group(2) or "").strip(), *rest]).strip())
    return None


def _chain(etype: str | None, message: str) -> list[ParsedException]:
    """Split ``msg ---> Inner: msg2 ---> ...`` into the chain, outermost first."""
    parts = re.split(r"\s*\n\s*---> |\s---> ", message)
    excs = [ParsedException(type=etype, message=parts[0].strip(), language="dotnet")]
    for part in parts[1:]:
        m = _NESTED.match(part)
        if m is None:
            excs[-1].message = f"{excs[-1].message} ---> {part}"
            continue
        excs.append(ParsedException(type=m.group(1), message=(m.group(2) or "").strip(), language="dotnet"))
        link_cause(excs, len(excs) - 2, len(excs) - 1, "inner")
    return excs
