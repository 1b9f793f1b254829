"""Line layouts: recognise a record's first line and split it into timestamp, level, message, fields.

Each layout is a small parser `str -> Parsed | None`. A file's layouts are chosen from a sample of its
first lines (see readers.py); a line none of them accepts is a continuation of the record before it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from fivewhys.evidence.logs import timestamps as ts


@dataclass(slots=True)
class Parsed:
    """The parts of a record's first line."""

    timestamp: datetime | None
    level: str | None
    message: str
    fields: dict[str, str] = field(default_factory=dict)


LineParser = Callable[[str, datetime], "Parsed | None"]
"""A layout: the line, and the reference time for year-less stamps."""

# ---------------------------------------------------------------- the level after a timestamp

_SEP = " \t-|:,"


def _split_level(rest: str) -> tuple[str | None, str]:
    """Find the level among the first tokens after a timestamp; return it and the message after it.

    Accepts `ERROR`, `[error]`, `<E>`, `Info`, `level=warn`; a lowercase bare word only as the very
    first token, so "11:27 connection error" is not read as an ERROR record.
    """
    tokens = rest.split(None, 6)
    pos = 0
    for index, token in enumerate(tokens[:6]):
        pos = rest.index(token, pos)
        bare = token.strip("[]<>():,")
        if bare.lower().startswith(("level=", "lvl=")):
            bare = bare.split("=", 1)[1]
        elif not (bare.isupper() or bare.istitle() or token[0] in "[<" or index == 0):
            pos += len(token)
            continue
        level = ts.normalize_level(bare) if not bare.isdigit() else None
        if level is not None:
            return level, rest[pos + len(token):].lstrip(_SEP)
        pos += len(token)
    return None, rest.lstrip(_SEP)


# ---------------------------------------------------------------- text layouts

_ISO_LINE = re.compile(
    r"(?:<(\d{1,3})>1? ?)?\[?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?(?:[.,]\d+)?"
    r"(?:\s?(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT))?)\]?(?=[\s,|\]]|$)"
)


def parse_iso_line(line: str, ref: datetime) -> Parsed | None:
    """ISO 8601 / RFC 3339 first: Python logging, log4j/logback, gunicorn, Windows CBS, RFC 5424."""
    m = _ISO_LINE.match(line)
    if m is None:
        return None
    stamp = ts.parse_iso(m.group(2))
    level, message = _split_level(line[m.end():])
    if m.group(1) is not None and level is None:
        level = ts.syslog_severity(int(m.group(1)))
    return Parsed(stamp, level, message)


_SLASH_LINE = re.compile(r"(\d{4})/(\d{2})/(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?=\s|$)")


def parse_slash_line(line: str, ref: datetime) -> Parsed | None:
    """Go `log` (`2009/11/10 23:00:00 msg`) and nginx error logs (`... [error] 12#0: msg`)."""
    m = _SLASH_LINE.match(line)
    if m is None:
        return None
    y, mo, d, h, mi, s, frac = m.groups()
    stamp = ts.build(int(y), int(mo), int(d), int(h), int(mi), int(s), ts._fraction_us(frac))
    level, message = _split_level(line[m.end():])
    return Parsed(stamp, level, message)


_SYSLOG_LINE = re.compile(
    r"(?:<(\d{1,3})>)?([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d+)? "
    r"(\S+) (?:([^:\[\s][^:\[]*?)(?:\[(\d+)\])?: )?(.*)"
)


def parse_syslog_line(line: str, ref: datetime) -> Parsed | None:
    """BSD syslog (RFC 3164): `<PRI>Mmm dd hh:mm:ss host prog[pid]: msg` (year from `ref`)."""
    m = _SYSLOG_LINE.match(line)
    if m is None:
        return None
    pri, mon, d, h, mi, s, host, prog, pid, message = m.groups()
    month = ts.month_number(mon)
    if month is None:
        return None
    stamp = ts.build(ts.guess_year(month, ref), month, int(d), int(h), int(mi), int(s))
    fields = {"host": host}
    if prog:
        fields["program"] = prog
    if pid:
        fields["pid"] = pid
    level = ts.syslog_severity(int(pri)) if pri else _split_level(message)[0]
    return Parsed(stamp, level, message, fields)


_RFC5424_LINE = re.compile(
    r"<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (-|\[.*?\](?:\[.*?\])*) ?(.*)"
)


def parse_rfc5424_line(line: str, ref: datetime) -> Parsed | None:
    """Syslog RFC 5424: `<PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD] MSG`."""
    m = _RFC5424_LINE.match(line)
    if m is None:
        return None
    pri, stamp, host, app, procid, msgid, _sd, message = m.groups()
    fields = {k: v for k, v in (("host", host), ("program", app), ("pid", procid)) if v != "-"}
    if msgid != "-":
        fields["msgid"] = msgid
    return Parsed(ts.parse_iso(stamp), ts.syslog_severity(int(pri)), message.lstrip("\ufeff"), fields)


_ACCESS_LINE = re.compile(
    r"(\S+) \S+ (\S+) \[(\d{2})/(\w{3})/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})\] "
    r"\"((?:[^\"\\]|\\.)*)\" (\d{3}) (\S+)(.*)"
)


def parse_access_line(line: str, ref: datetime) -> Parsed | None:
    """Apache/nginx access logs (common and combined). Level from status: 5xx ERROR, 4xx WARN."""
    m = _ACCESS_LINE.match(line)
    if m is None:
        return None
    client, user, d, mon, y, h, mi, s, zone, request, status, size, _rest = m.groups()
    month = ts.month_number(mon)
    if month is None:
        return None
    stamp = ts.build(int(y), month, int(d), int(h), int(mi), int(s), 0, zone)
    level = "ERROR" if status >= "500" else "WARN" if status >= "400" else "INFO"
    fields = {"client": client, "request.line": request, "request.status": status}
    parts = request.split()
    if len(parts) >= 2:
        fields["request.method"], fields["request.path"] = parts[0], parts[1]
    if user != "-":
        fields["user.id"] = user
    return Parsed(stamp, level, f"{request} {status} {size}", fields)


_APACHE_ERROR_LINE = re.compile(
    r"\[\w{3} (\w{3}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))? (\d{4})\] "
    r"\[(?:[\w\-]+:)?(\w+)\] (.*)"
)


def parse_apache_error_line(line: str, ref: datetime) -> Parsed | None:
    """Apache error log: `[Wed Oct 11 14:32:52.123 2000] [core:error] [pid 35:tid 43] msg`."""
    m = _APACHE_ERROR_LINE.match(line)
    if m is None:
        return None
    mon, d, h, mi, s, frac, y, level, message = m.groups()
    month = ts.month_number(mon)
    if month is None:
        return None
    stamp = ts.build(int(y), month, int(d), int(h), int(mi), int(s), ts._fraction_us(frac))
    return Parsed(stamp, ts.normalize_level(level), message)


_KLOG_LINE = re.compile(r"([IWEF])(\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d+)\s+(\d+) ([^\]\s]+)\] ?(.*)")


def parse_klog_line(line: str, ref: datetime) -> Parsed | None:
    """klog/glog: `Lmmdd hh:mm:ss.uuuuuu threadid file:line] msg` (year from `ref`)."""
    m = _KLOG_LINE.match(line)
    if m is None:
        return None
    sev, mo, d, h, mi, s, frac, thread, where, message = m.groups()
    stamp = ts.build(ts.guess_year(int(mo), ref), int(mo), int(d), int(h), int(mi), int(s),
                     ts._fraction_us(frac))
    level = {"I": "INFO", "W": "WARN", "E": "ERROR", "F": "FATAL"}[sev]
    return Parsed(stamp, level, message, {"thread": thread, "source": where})


_EPOCH_LINE = re.compile(r"\[?(\d{10}(?:\.\d{1,9})?|\d{13})\]?(?=\s)")


def parse_epoch_line(line: str, ref: datetime) -> Parsed | None:
    """A line that starts with epoch seconds (`1704194821.123`) or millis (`1704194821123`)."""
    m = _EPOCH_LINE.match(line)
    if m is None:
        return None
    level, message = _split_level(line[m.end():])
    return Parsed(ts.from_epoch(float(m.group(1))), level, message)


_US_DATE_LINE = re.compile(
    r"(\d{1,2})/(\d{1,2})/(\d{4}),? (\d{1,2}):(\d{2}):(\d{2})(?:\.(\d+))?(?: ?([AP]M))?(?=[\s,]|$)"
)


def parse_us_date_line(line: str, ref: datetime) -> Parsed | None:
    """Windows-style `1/2/2024 11:27:01 AM` (month first, as Windows' en-US event exports)."""
    m = _US_DATE_LINE.match(line)
    if m is None:
        return None
    mo, d, y, h, mi, s, frac, ampm = m.groups()
    hour = int(h) % 12 + (12 if ampm == "PM" else 0) if ampm else int(h)
    stamp = ts.build(int(y), int(mo), int(d), hour, int(mi), int(s), ts._fraction_us(frac))
    level, message = _split_level(line[m.end():])
    return Parsed(stamp, level, message)


_DMY_LINE = re.compile(r"(\d{2}) (\w{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?=\s)")


def parse_dmy_line(line: str, ref: datetime) -> Parsed | None:
    """log4j `%d{DATE}`: `02 Jan 2024 11:27:01,123 ERROR ...`."""
    m = _DMY_LINE.match(line)
    if m is None:
        return None
    d, mon, y, h, mi, s, frac = m.groups()
    month = ts.month_number(mon)
    if month is None:
        return None
    stamp = ts.build(int(y), month, int(d), int(h), int(mi), int(s), ts._fraction_us(frac))
    level, message = _split_level(line[m.end():])
    return Parsed(stamp, level, message)


# ---------------------------------------------------------------- structured layouts

_TIME_KEYS = ("timestamp", "@timestamp", "time", "ts", "datetime", "date", "t", "eventTime")
_LEVEL_KEYS = ("level", "severity", "levelname", "lvl", "log.level", "loglevel", "level_name")
_MESSAGE_KEYS = ("message", "msg", "@message", "event", "log", "text")
_ALIASES = {
    "traceId": "trace_id", "trace.id": "trace_id", "traceid": "trace_id", "dd.trace_id": "trace_id",
    "spanId": "span_id", "span.id": "span_id", "dd.span_id": "span_id",
    "correlationId": "correlation_id", "correlation.id": "correlation_id",
    "requestId": "request.id", "request_id": "request.id",
    "service.name": "service", "serviceName": "service",
    "userId": "user.id", "user_id": "user.id",
    "env": "environment", "service.version": "version",
}


def flatten(value: object, prefix: str, out: dict[str, str]) -> None:
    """Flatten nested objects into dotted keys; scalars become strings, lists compact JSON."""
    if isinstance(value, dict):
        for key, item in value.items():
            flatten(item, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(value, str):
        out[prefix] = value
    elif value is None or isinstance(value, (bool, int, float)):
        out[prefix] = json.dumps(value)
    else:
        out[prefix] = json.dumps(value, separators=(",", ":"), default=str)


def structured(flat: dict[str, str], raw_values: dict[str, object]) -> Parsed:
    """Pick timestamp, level and message out of flattened fields; the rest stay as fields."""
    stamp_key = next((k for k in _TIME_KEYS if k in flat), None)
    level_key = next((k for k in _LEVEL_KEYS if k in flat), None)
    msg_key = next((k for k in _MESSAGE_KEYS if k in flat), None)
    stamp = ts.parse_any(raw_values.get(stamp_key, flat[stamp_key])) if stamp_key else None
    level = ts.normalize_level(raw_values.get(level_key, flat[level_key])) if level_key else None
    message = flat.pop(msg_key) if msg_key else ""
    for key in (stamp_key, level_key):
        if key is not None:
            flat.pop(key, None)
    for alias, canonical in _ALIASES.items():
        if alias in flat and canonical not in flat:
            flat[canonical] = flat[alias]
    return Parsed(stamp, level, message, flat)


def parse_json_line(line: str, ref: datetime) -> Parsed | None:
    """One JSON object per line (JSON lines / NDJSON, ECS, bunyan, pino, structlog...)."""
    if not line.startswith("{"):
        return None
    try:
        obj = json.loads(line)
    except ValueError:
        return None
    if not isinstance(obj, dict):
        return None
    flat: dict[str, str] = {}
    flatten(obj, "", flat)
    # numbers keep their type for epoch stamps and numeric levels
    raw_values: dict[str, object] = {k: v for k, v in obj.items() if isinstance(v, (int, float))}
    return structured(flat, raw_values)


_LOGFMT_PAIR = re.compile(r'([\w.@\-/]+)=("(?:[^"\\]|\\.)*"|[^\s"]*)')
_LOGFMT_LINE = re.compile(r'(?:[\w.@\-/]+=(?:"(?:[^"\\]|\\.)*"|[^\s"]*)(?:\s+|$)){2,}')


def parse_logfmt_line(line: str, ref: datetime) -> Parsed | None:
    """logfmt: `ts=... level=error msg="..." key=value` (at least two pairs, one of them known)."""
    if _LOGFMT_LINE.fullmatch(line.rstrip()) is None:
        return None
    flat: dict[str, str] = {}
    for key, value in _LOGFMT_PAIR.findall(line):
        if value.startswith('"'):
            value = value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        flat[key] = value
    if not any(k in flat for k in (*_TIME_KEYS, *_LEVEL_KEYS, *_MESSAGE_KEYS)):
        return None
    return structured(flat, {})


LAYOUTS: dict[str, LineParser] = {
    "json": parse_json_line,
    "logfmt": parse_logfmt_line,
    "rfc5424": parse_rfc5424_line,
    "iso": parse_iso_line,
    "slash": parse_slash_line,
    "syslog": parse_syslog_line,
    "access": parse_access_line,
    "apache_error": parse_apache_error_line,
    "klog": parse_klog_line,
    "us_date": parse_us_date_line,
    "dmy": parse_dmy_line,
    "epoch": parse_epoch_line,
}
"""All layouts, most specific first (a JSON or logfmt line is tried before a text layout)."""

FIRST_BYTES: dict[str, bytes] = {"iso": b"<[0123456789", "json": b"{"}
"""The ASCII bytes a record start of these layouts can begin with (a line that begins with any
other ASCII byte is never one: the parser and the lean classifier both anchor on these)."""
