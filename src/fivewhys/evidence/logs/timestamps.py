"""Timestamps and levels: turn the many ways logs write them into `datetime` and one of LEVELS.

Year-less layouts (BSD syslog `Jan  2 11:27:01`, klog/glog `I0102 11:27:01.123456`) get the year of
the log file's modification time, or the year before when that would put the record after the
file's last write (a December line in a file written in January). The whole file uses the same
rule, so records of one file always sort consistently.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone, tzinfo

from fivewhys.evidence.logs.model import LEVELS

LEVEL_RANK = {name: rank for rank, name in enumerate(LEVELS)}

_LEVEL_ALIASES = {
    "TRACE": "TRACE", "FINEST": "TRACE", "FINER": "TRACE", "VERBOSE": "TRACE",
    "DEBUG": "DEBUG", "DBG": "DEBUG", "FINE": "DEBUG", "CONFIG": "DEBUG",
    "INFO": "INFO", "INFORMATION": "INFO", "INF": "INFO", "NOTICE": "INFO",
    "WARN": "WARN", "WARNING": "WARN", "WRN": "WARN",
    "ERROR": "ERROR", "ERR": "ERROR", "SEVERE": "ERROR", "EROR": "ERROR",
    "FATAL": "FATAL", "CRITICAL": "FATAL", "CRIT": "FATAL", "PANIC": "FATAL",
    "EMERG": "FATAL", "EMERGENCY": "FATAL", "ALERT": "FATAL", "DPANIC": "FATAL",
}
_SYSLOG_SEVERITY = ("FATAL", "FATAL", "FATAL", "ERROR", "WARN", "INFO", "INFO", "DEBUG")
_NUMERIC_LEVELS = ((60, "FATAL"), (50, "ERROR"), (40, "WARN"), (30, "INFO"), (20, "DEBUG"))
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}


def normalize_level(value: object) -> str | None:
    """Map a level as logs write it (`warning`, `E`, `50`, `[ERROR]`) to one of LEVELS.

    Args:
        value: the level field or token.

    Returns:
        The normalized level, or None when the value is not a level.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        # bunyan/pino numeric levels: 10 trace ... 60 fatal
        return next((name for floor, name in _NUMERIC_LEVELS if value >= floor), "TRACE")
    text = str(value).strip().strip("[]<>():").upper()
    if text.isdigit():
        return normalize_level(int(text))
    return _LEVEL_ALIASES.get(text)


def level_rank(level: str | None) -> int:
    """Rank of a normalized level (-1 for None), for `level >= min_level` tests."""
    return LEVEL_RANK.get(level, -1) if level is not None else -1


def syslog_severity(pri: int) -> str:
    """Level of a syslog `<PRI>` value (severity = PRI mod 8)."""
    return _SYSLOG_SEVERITY[pri % 8]


def parse_zone(text: str | None) -> tzinfo | None:
    """`Z`, `+02:00`, `-0700`, `UTC`/`GMT` → tzinfo; anything else → None (naive)."""
    if not text:
        return None
    text = text.strip()
    if text in ("Z", "z", "UTC", "GMT"):
        return timezone.utc
    m = re.fullmatch(r"([+-])(\d{2}):?(\d{2})?", text)
    if m is None:
        return None
    minutes = int(m.group(2)) * 60 + int(m.group(3) or 0)
    return timezone(timedelta(minutes=minutes if m.group(1) == "+" else -minutes))


def _fraction_us(text: str | None) -> int:
    if not text:
        return 0
    return int(text[:6].ljust(6, "0"))


_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:[.,](\d+))?\s?(Z|[+-]\d{2}:?\d{2}|UTC|GMT)?"
)


def parse_iso(text: str) -> datetime | None:
    """Parse an ISO 8601 / RFC 3339 stamp (space or T, `.` or `,` fraction, optional zone)."""
    m = _ISO.match(text.strip())
    if m is None:
        return None
    y, mo, d, h, mi, s, frac, zone = m.groups()
    return build(int(y), int(mo), int(d), int(h), int(mi), int(s or 0), _fraction_us(frac), zone)


def build(
    year: int, month: int, day: int, hour: int, minute: int, second: int,
    micro: int = 0, zone: str | None = None,
) -> datetime | None:
    """A datetime from parts, or None when the parts are out of range (a malformed stamp)."""
    try:
        return datetime(year, month, day, hour, minute, min(second, 59), micro, parse_zone(zone))
    except ValueError:
        return None


def month_number(name: str) -> int | None:
    """`Jan`/`january` → 1."""
    return _MONTHS.get(name[:3].lower())


def from_epoch(value: float) -> datetime | None:
    """Epoch seconds, millis, micros or nanos (chosen by magnitude) → aware UTC datetime."""
    for scale in (1.0, 1e3, 1e6, 1e9):
        if value < 1e11 * scale:
            try:
                return datetime.fromtimestamp(value / scale, tz=timezone.utc)
            except (OverflowError, OSError, ValueError):
                return None
    return None


def parse_any(value: object) -> datetime | None:
    """A JSON/logfmt timestamp value: ISO string, epoch number, or epoch digits in a string."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return from_epoch(float(value))
    text = str(value).strip()
    if re.fullmatch(r"\d{9,19}(\.\d+)?", text):
        return from_epoch(float(text))
    return parse_iso(text)


def guess_year(month: int, reference: datetime) -> int:
    """Year for a year-less stamp: the reference's, or the one before when the month is later."""
    return reference.year - 1 if month > reference.month + 1 else reference.year


def comparable(ts: datetime) -> datetime:
    """A key that orders aware and naive datetimes together (naive read as UTC)."""
    return ts if ts.tzinfo is not None else ts.replace(tzinfo=timezone.utc)
