"""Turning raw input into clean lines: newlines, JSON-escaped traces, XML entities, log prefixes.

Traces reach us wrapped: CRLF endings, a whole traceback as a JSON string value (``"stack":
"Error: x\\n    at ..."``), a Sidekiq-style JSON array of frames, VS ActivityLog XML with
``&#x000D;&#x000A;`` for newlines, and per-line prefixes added by the log shipper (Kubernetes /
GitHub Actions timestamps, syslog headers). We undo those so the language parsers see the trace
as the runtime printed it. Each output line keeps the 1-based number of the input line it came from.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from ._base import MAX_LINE

# A timestamp (and for syslog, host and program) that a log pipeline put in front of every line.
# Only one space after it is removed so the trace's own indentation survives.
_PREFIX = re.compile(
    r"""^(?:
      \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?\x20(?:std(?:out|err)\x20[FP]\x20)?
    | [A-Z][a-z]{2}\x20[\x20\d]\d\x20\d\d:\d\d:\d\d\x20[\w.-]+\x20[\w./-]+(?:\[\d+\])?:\x20?
    )""",
    re.X,
)
_JSON_STRING = re.compile(r'"((?:[^"\\\n]|\\.){0,200000})"')
_XML_NEWLINE = re.compile(r"&#x0*D;&#x0*A;|&#x0*A;|&#13;&#10;|&#10;", re.I)
_XML_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&"))
_MAX_JSON_LINE = 2_000_000
# Fields whose sibling values name the exception when a JSON log splits it into parts.
# Most specific first: a Sidekiq job has both "class" (the worker) and "error_class" (the exception).
_TYPE_KEYS = ("error_class", "exception_class", "errorType", "exception", "class", "type")
_MSG_KEYS = ("error_message", "errorMessage", "message", "msg")
_TRACE_KEYS = ("stack", "stacktrace", "stack_trace", "trace", "backtrace", "error_backtrace", "exception")


def normalise(text: str) -> tuple[list[str], list[int]]:
    """Split ``text`` into clean lines plus, for each, its 1-based line number in ``text``."""
    lines: list[str] = []
    numbers: list[int] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        for piece in _expand(raw):
            lines.append(strip_prefix(piece[:MAX_LINE]))
            numbers.append(number)
    return lines, numbers


def strip_prefix(line: str) -> str:
    """Remove a log shipper's timestamp/syslog prefix, keeping the trace's own indentation."""
    m = _PREFIX.match(line)
    return line[m.end() :] if m else line


def _expand(raw: str) -> list[str]:
    """One raw line -> the lines it really holds (JSON-escaped or XML-escaped traces unfolded)."""
    if "\\n" in raw and '"' in raw:
        unfolded = _unfold_json(raw)
        if unfolded is not None:
            return unfolded
    if "&#" in raw and _XML_NEWLINE.search(raw):
        text = _XML_NEWLINE.sub("\n", raw)
        for entity, char in _XML_ENTITIES:
            text = text.replace(entity, char)
        return text.split("\n")
    if '", "' in raw and ":in " in raw:
        unfolded = _unfold_json(raw)
        if unfolded is not None:
            return unfolded
    return [raw]


def _unfold_json(raw: str) -> list[str] | None:
    """The multi-line strings (and string arrays) inside a JSON log line, as lines."""
    stripped = raw.strip()
    if stripped[:1] in "{[" and len(stripped) < _MAX_JSON_LINE:
        try:
            value = json.loads(stripped)
        except ValueError:
            value = None
        if value is not None:
            out = list(_walk(value))
            return out or None
    out = []
    for m in _JSON_STRING.finditer(raw):
        if "\\n" in m.group(1):
            try:
                out.extend(str(json.loads(m.group(0))).split("\n"))
            except ValueError:
                continue
    return out or None


def _walk(value: Any) -> Iterator[str]:
    """Lines of every trace-bearing string in a decoded JSON value, depth-first."""
    if isinstance(value, dict):
        header = _synthetic_header(value)
        for item in value.values():
            lines = list(_walk(item))
            if lines and header and not any(header.split(":")[0] in x for x in lines[:3]):
                yield header
            yield from lines
    elif isinstance(value, list):
        if len(value) > 1 and all(isinstance(x, str) for x in value):
            yield from (str(x) for x in value)
        else:
            for item in value:
                yield from _walk(item)
    elif isinstance(value, str) and "\n" in value:
        yield from value.split("\n")


def _synthetic_header(obj: dict[str, Any]) -> str | None:
    """``Type: message`` for a JSON error object that stores type, message and trace apart."""
    if not any(k in obj for k in _TRACE_KEYS):
        return None
    etype = next((obj[k] for k in _TYPE_KEYS if isinstance(obj.get(k), str) and obj[k]), None)
    if etype is None or " " in etype:
        return None
    msg = next((obj[k] for k in _MSG_KEYS if isinstance(obj.get(k), str)), "")
    return f"{etype}: {msg}" if msg else etype
