"""Pretty-printing a ParsedTrace as text in each runtime's own layout, so ``extract`` reads it back.

Python chains are printed cause first (as CPython does), JVM/V8 chains outer first with
``Caused by:`` / ``[cause]:``; Go exceptions as a panic plus one goroutine. Languages without a
printer of their own are rendered in the JVM layout, which keeps file, line and function.
"""

from __future__ import annotations

from collections.abc import Callable

from .model import Frame, ParsedException, ParsedTrace

_PY_MARKERS = {
    "cause": "The above exception was the direct cause of the following exception:",
    "context": "During handling of the above exception, another exception occurred:",
}


def _header(exc: ParsedException) -> str:
    if exc.type is None:
        return exc.message or ""
    return f"{exc.type}: {exc.message}" if exc.message else exc.type


def _python(exc: ParsedException) -> list[str]:
    out = ["Traceback (most recent call last):"]
    for f in exc.frames:
        out.append(f'  File "{f.file or "<unknown>"}", line {f.line or 0}, in {f.function or "<module>"}')
        if f.source_line:
            out.append(f"    {f.source_line}")
    if exc.type is not None:
        out.append(_header(exc))
    return out


def _jvm_frame(f: Frame) -> str:
    where = f"{f.file}:{f.line}" if f.file and f.line else (f.file or "Unknown Source")
    module = f"{f.module}/" if f.module else ""
    return f"\tat {module}{f.function or 'unknown'}({where})"


def _jvm(exc: ParsedException) -> list[str]:
    out = [_header(exc), *(_jvm_frame(f) for f in exc.frames)]
    if exc.frames_omitted:
        out.append(f"\t... {exc.frames_omitted} more")
    return out


def _v8_frame(f: Frame) -> str:
    loc = f.file or "<anonymous>"
    if f.line is not None:
        loc += f":{f.line}" + (f":{f.column}" if f.column is not None else "")
    return f"    at {f.function} ({loc})" if f.function else f"    at {loc}"


def _javascript(exc: ParsedException) -> list[str]:
    return [_header(exc) or "Error", *(_v8_frame(f) for f in exc.frames)]


def _go(exc: ParsedException) -> list[str]:
    out = [f"{exc.type or 'panic'}: {exc.message or ''}", "", f"{exc.thread or 'goroutine 1 [running]'}:"]
    for f in exc.frames:
        out += [f"{f.function or 'unknown'}(...)", f"\t{f.file or '??'}:{f.line or 0} +0x0"]
    return out


_PRINTERS: dict[str, Callable[[ParsedException], list[str]]] = {
    "python": _python,
    "jvm": _jvm,
    "javascript": _javascript,
    "go": _go,
}


def _chain_line(prev: ParsedException, exc: ParsedException, language: str, prev_index: int) -> str | None:
    """The line that links ``exc`` to the exception printed before it, if they are chained."""
    if language == "python" and exc.caused_by == prev_index:
        return "\n" + _PY_MARKERS.get(prev.relation or "cause", _PY_MARKERS["cause"]) + "\n"
    if language in ("jvm", "dotnet", None) and prev.caused_by == prev_index + 1:
        return "Caused by: "
    if language == "javascript" and prev.caused_by == prev_index + 1:
        return "  [cause]: "
    return None


def format_trace(trace: ParsedTrace) -> str:
    """Render ``trace`` as text that ``extract`` parses back into the same exceptions and frames.

    Args:
        trace: A parsed trace (from ``extract`` or built by hand).

    Returns:
        The exceptions in order, each in its language's native layout, chains linked the way that
        runtime prints them; unrelated exceptions separated by a blank line.
    """
    out: list[str] = []
    for k, exc in enumerate(trace.exceptions):
        language = exc.language or "jvm"
        lines = _PRINTERS.get(language, _jvm)(exc)
        link = _chain_line(trace.exceptions[k - 1], exc, language, k - 1) if k else None
        if link is not None and link.endswith(": "):
            lines[0] = link + lines[0]
        elif link is not None:
            out.append(link)
        elif k:
            out.append("")
        out.extend(lines)
    for stack in trace.extra_stacks:
        out += ["", f"{stack.label}:"] + [f"{f.function or 'unknown'}(...)\n\t{f.file or '??'}:{f.line or 0}" for f in stack.frames]
    return "\n".join(out) + "\n"
