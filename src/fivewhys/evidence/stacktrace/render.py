"""A readable terminal rendering of a ParsedTrace (what ``fivewhys frames FILE`` prints).

Every exception in printed order with its chain links, then its frames: application frames
highlighted, library frames dimmed, frames inherited through "... N more" marked as such. Trace
text goes into ``rich.text.Text`` objects, never through console markup, so brackets in frames
(``[native code]``, ``[as alias]``) print as they are.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from .model import ExtraStack, Frame, ParsedException, ParsedTrace

_APP = "bold yellow"
_LIBRARY = "dim"


def render_trace(trace: ParsedTrace, console: Console) -> None:
    """Print ``trace`` to ``console``: exceptions with their chain links and frames, then extra stacks.

    Args:
        trace: What ``extract`` returned.
        console: Where to print (``Console(file=io.StringIO(), width=100)`` in tests).
    """
    if not trace.exceptions and not trace.extra_stacks:
        console.print(Text("no stack trace found", style="dim"))
        return
    for index, exc in enumerate(trace.exceptions):
        if index:
            console.print()
        console.print(_header(index, exc, trace))
        for frame in exc.frames:
            console.print(_frame_line(frame))
        if exc.inherited_frames:
            console.print(Text(f"    ... {len(exc.inherited_frames)} more, from the enclosing trace:", style=_LIBRARY))
            for frame in exc.inherited_frames:
                console.print(_frame_line(frame, inherited=True))
        elif exc.frames_omitted:
            console.print(Text(f"    ... {exc.frames_omitted} more", style=_LIBRARY))
    for stack in trace.extra_stacks:
        console.print()
        _render_stack(stack, console)


def _header(index: int, exc: ParsedException, trace: ParsedTrace) -> Text:
    text = Text(f"#{index} ", style="dim")
    text.append(exc.type or "(no exception type)", style="bold red")
    if exc.message:
        text.append(f": {exc.message}")
    for link in _links(exc, trace):
        text.append(f"  [{link}]", style="cyan")
    return text


def _links(exc: ParsedException, trace: ParsedTrace) -> list[str]:
    """Chain links as short phrases: ``caused by #1``, ``suppressed by #0``, ``member of #0``."""
    links = [f"language {exc.language}"] if exc.language else []
    if exc.caused_by is not None:
        relation = trace.exceptions[exc.caused_by].relation if exc.caused_by < len(trace.exceptions) else None
        links.append(f"caused by #{exc.caused_by}" + (f" ({relation})" if relation not in (None, "cause") else ""))
    if exc.suppressed_by is not None:
        links.append(f"suppressed by #{exc.suppressed_by}")
    if exc.member_of is not None:
        links.append(f"member of #{exc.member_of}")
    return links


def _frame_line(frame: Frame, inherited: bool = False) -> Text:
    """``  > function  file:line:col`` with app frames marked ``>`` and highlighted."""
    app = frame.in_app is True and not inherited
    text = Text("  > " if app else "    ", style=_APP if app else _LIBRARY)
    text.append(frame.function or "<anonymous>", style=_APP if app else _LIBRARY)
    location = _location(frame)
    if location:
        text.append(f"  {location}", style="green" if app else _LIBRARY)
    if frame.module and frame.module != frame.file:
        text.append(f"  ({frame.module})", style=_LIBRARY)
    return text


def _location(frame: Frame) -> str:
    where = frame.file or ""
    if frame.line is not None:
        where += f":{frame.line}" + (f":{frame.column}" if frame.column is not None else "")
    return where


def _render_stack(stack: ExtraStack, console: Console) -> None:
    console.print(Text(stack.label, style="bold"))
    for frame in stack.frames:
        console.print(_frame_line(frame))
