"""Turning raw input into clean lines: newlines, JSON-escaped traces, XML entities, log prefixes.

Traces reach us wrapped: CRLF endings, a whole traceback as a JSON string value (``"stack":
"Error: x\\n    at ..."``), a Sidekiq-style JSON array of frames, VS ActivityLog XML with
``&#x000D;&#x000A;`` for newlines, and per-line prefixes added by the log shipper (Kubernetes /
GitHub Actions timestamps, syslog headers). We undo those so the language parsers see the trace
as the runtime printed it. Each output line keeps the 1-based number of the input line it came from,
and the lines unfolded from one JSON string value are reported as a span: the value's closing quote
says where its text ends, which plain text never says.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
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
# A trace line behind a per-line prefix that ``_PREFIX`` does not know (a logger layout, docker
# compose's "web-1  | ", Heroku's "app[web.1]: "): the prefix holds a word character (so the
# ``|`` boxes of an ExceptionGroup are not one) and ends in a delimiter; the rest is unmistakably
# a frame or a trace header.
_PREFIXED_TRACE = re.compile(
    r"""^([^\w\n]{0,8}\w.{0,150}?[:|\]>-]\x20?)(?:
      \s+at\x20\S.*(?:\)|:\d+)\s*$
    | \s*File\x20"[^"]*",\x20line\x20\d
    | Traceback\x20\(most\x20recent\x20call\x20last\):
    | \s+from\x20\S+:\d+:in\x20
    | \s+\#\d+\x200x[0-9a-fA-F]+\x20
    | goroutine\x20\d+\x20(?:\[|gp=)
    | Caused\x20by:\x20
    )""",
    re.X,
)
# The delimiter and start of such a line, found in one pass over the whole text (a per-line Python
# check would cost more than the rest of ``normalise`` on trace-free text).
_DELIMITED_MARKER = re.compile(
    r"""[:|\]>-][\x20\t]+(?:at\x20\S|File\x20"|from\x20\S|\#\d)|[:|\]>-]\x20?(?:Traceback\x20\(|goroutine\x20\d|Caused\x20by:)"""
)
_PREFIX_CONTEXT = 12  # lines above the first prefixed frame that can hold the header
_JSON_STRING = re.compile(r'"((?:[^"\\\n]|\\.){0,200000})"')
_XML_NEWLINE = re.compile(r"&#x0*D;&#x0*A;|&#x0*A;|&#13;&#10;|&#10;", re.I)
_XML_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&"))
_MAX_JSON_LINE = 2_000_000
# Fields whose sibling values name the exception when a JSON log splits it into parts.
# Most specific first: a Sidekiq job has both "class" (the worker) and "error_class" (the exception).
_TYPE_KEYS = ("error_class", "exception_class", "errorType", "exception", "class", "type")
_MSG_KEYS = ("error_message", "errorMessage", "message", "msg")
_TRACE_KEYS = ("stack", "stacktrace", "stack_trace", "trace", "backtrace", "error_backtrace", "exception")


def normalise(text: str) -> tuple[list[str], list[int], list[tuple[int, int]]]:
    """Split ``text`` into clean lines.

    Returns:
        The lines; for each, its 1-based line number in ``text``; and the ``(first, last)`` line
        indices of every multi-line JSON string value unfolded, in order.
    """
    lines: list[str] = []
    numbers: list[int] = []
    values: list[tuple[int, int]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        for group in _expand(raw):
            if len(group) > 1:
                values.append((len(lines), len(lines) + len(group) - 1))
            for piece in group:
                lines.append(strip_prefix(piece[:MAX_LINE]))
                numbers.append(number)
    _strip_shared_prefixes(text, lines, numbers)
    return lines, numbers, values


def _strip_shared_prefixes(text: str, lines: list[str], numbers: list[int]) -> None:
    """Remove a per-line prefix from a trace whose every line carries it, judged from the trace itself.

    A line whose text after some prefix is a frame or trace header gives the prefix; its shape
    (digits generalised, so timestamps may tick) is then removed from the neighbouring lines that
    start with it: up to ``_PREFIX_CONTEXT`` lines above (the header) and every line below. At
    least two adjacent lines must share it, so one odd log line is never rewritten. Candidates are
    found in one regex pass over ``text`` (the raw input, its lines numbered as in ``numbers``).
    """
    number = 1
    at = done = 0
    for hit in _DELIMITED_MARKER.finditer(text):
        number += text.count("\n", at, hit.start())
        at = hit.start()
        k = bisect_left(numbers, number)
        if not done <= k < len(lines):
            continue
        done = k + 1  # each line is tried once, however many markers it holds
        m = _PREFIXED_TRACE.match(lines[k])
        if m is None:
            continue
        shape = re.compile(re.sub(r"\d+", r"\\d+", re.escape(m.group(1))))
        lo, hi = k, k + 1
        while lo - 1 >= max(0, k - _PREFIX_CONTEXT) and shape.match(lines[lo - 1]):
            lo -= 1
        while hi < len(lines) and shape.match(lines[hi]):
            hi += 1
        if hi - lo < 2:
            continue
        for x in range(lo, hi):
            lines[x] = shape.sub("", lines[x], count=1)
        done = hi


def strip_prefix(line: str) -> str:
    """Remove a log shipper's timestamp/syslog prefix, keeping the trace's own indentation."""
    m = _PREFIX.match(line)
    return line[m.end() :] if m else line


def _expand(raw: str) -> list[list[str]]:
    """One raw line -> the lines it really holds (JSON-escaped or XML-escaped traces unfolded).

    The lines come grouped: one group per JSON string value, one line per group otherwise.
    """
    if "\\n" in raw and '"' in raw:
        unfolded = _unfold_json(raw)
        if unfolded is not None:
            return unfolded
    if "&#" in raw and _XML_NEWLINE.search(raw):
        text = _XML_NEWLINE.sub("\n", raw)
        for entity, char in _XML_ENTITIES:
            text = text.replace(entity, char)
        return [[line] for line in text.split("\n")]
    if '", "' in raw and ":in " in raw:
        unfolded = _unfold_json(raw)
        if unfolded is not None:
            return unfolded
    return [[raw]]


def _unfold_json(raw: str) -> list[list[str]] | None:
    """The multi-line strings (and string arrays) inside a JSON log line, as groups of lines."""
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
                out.append(str(json.loads(m.group(0))).split("\n"))
            except ValueError:
                continue
    return out or None


def _walk(value: Any) -> Iterator[list[str]]:
    """Lines of every trace-bearing string in a decoded JSON value, depth-first, one group per string."""
    if isinstance(value, dict):
        header = _synthetic_header(value)
        for item in value.values():
            groups = list(_walk(item))
            first = [x for group in groups for x in group][:3]
            if groups and header and not any(header.split(":")[0] in x for x in first):
                yield [header]
            yield from groups
    elif isinstance(value, list):
        if len(value) > 1 and all(isinstance(x, str) for x in value):
            yield from ([str(x)] for x in value)
        else:
            for item in value:
                yield from _walk(item)
    elif isinstance(value, str) and "\n" in value:
        yield value.split("\n")


def _synthetic_header(obj: dict[str, Any]) -> str | None:
    """``Type: message`` for a JSON error object that stores type, message and trace apart."""
    if not any(k in obj for k in _TRACE_KEYS):
        return None
    etype = next((obj[k] for k in _TYPE_KEYS if isinstance(obj.get(k), str) and obj[k]), None)
    if etype is None or " " in etype:
        return None
    msg = next((obj[k] for k in _MSG_KEYS if isinstance(obj.get(k), str)), "")
    return f"{etype}: {msg}" if msg else etype
