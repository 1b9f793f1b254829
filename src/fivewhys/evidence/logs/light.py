"""Light records and lean line classifiers: the hot loop of stats and timeline without pydantic.

`Light` is a record as the reader sees it — line numbers, timestamp, level, its text lines — with
the message and fields parsed only when asked (`message`, `fields`, `to_record()`). The pydantic
`LogRecord` is built only for the few records a caller returns.

A lean classifier reads just a line's timestamp and level from its bytes, for the two most common
layouts (ISO-stamped text, flat JSON lines), and answers None whenever it is not sure the full
parser would agree: the line then takes the exact path. So a lean answer is always the exact
answer; the guards (ASCII only, no JSON escapes or nesting, a level token right after the stamp)
keep it so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from fivewhys.evidence.logs import timestamps as ts
from fivewhys.evidence.logs.layouts import _MESSAGE_KEYS, _SEP, Parsed, _split_level
from fivewhys.evidence.logs.model import LogRecord

WARN_RANK = ts.LEVEL_RANK["WARN"]

_DEPLOY_HINT = re.compile(rb"deploy|releas|roll|upgrad|booting|restart|starting|version[ \t\n\r\f\v\x1c-\x1f=:]")
"""Every alternative of stats' deploy regex contains one of these (lowercase ASCII) words; a JSON
key `"version":` does not (lean lines are ASCII and unescaped, so this is exact there)."""


class Light:
    """One record, parsed lazily. `parsed` is None until `message`/`fields` are first read."""

    __slots__ = ("path", "line", "end_line", "timestamp", "level", "lines", "parsed", "_parse",
                 "sig", "hint", "first_message")

    def __init__(
        self, path: Path, line: int, timestamp: datetime | None, level: str | None, lines: list[str],
        parsed: Parsed | None, parse: Callable[[str], Parsed | None],
    ) -> None:
        self.path, self.line, self.end_line = path, line, line + len(lines) - 1
        self.timestamp, self.level, self.lines = timestamp, level, lines
        self.parsed, self._parse = parsed, parse
        self.sig: tuple[bytes, ...] | None = None
        """Lean: the raw service/version values (equal sig, equal service and version); None: unknown."""
        self.hint: bool | None = None
        """Lean: whether the line holds a deploy word (False: it cannot be a deploy marker)."""
        self.first_message: str | None = None
        """Lean: the message of the first line when the classifier read it (else parsed on demand)."""

    def _parts(self) -> Parsed:
        if self.parsed is None:
            self.parsed = self._parse(self.lines[0]) or Parsed(None, None, self.lines[0])
        return self.parsed

    @property
    def message(self) -> str:
        first = self.first_message if self.first_message is not None else self._parts().message
        return first if len(self.lines) == 1 else "\n".join([first, *self.lines[1:]])

    @property
    def first_message_line(self) -> str:
        """The message up to its first newline (what templates and deploy markers read)."""
        if self.first_message is not None:
            return self.first_message  # a lean line's message: one line, no newline
        return self._parts().message.split("\n", 1)[0]

    @property
    def fields(self) -> dict[str, str]:
        return self._parts().fields

    @property
    def raw(self) -> str:
        return "\n".join(self.lines)

    def to_record(self) -> LogRecord:
        """The public pydantic record (built once per returned record, not per line)."""
        return LogRecord(path=self.path, line=self.line, end_line=self.end_line, timestamp=self.timestamp,
                         level=self.level, message=self.message, fields=dict(self.fields), raw=self.raw)


LeanLine = tuple[datetime | None, str, tuple[bytes, ...] | None, bool, str | None]
"""(timestamp, level, sig, deploy hint, message or None: not read) of a line the classifier is
sure starts a record."""
LeanClassifier = Callable[[bytes], "LeanLine | None"]

_WS = rb"[ \t\n\r\f\v\x1c-\x1f]"
"""`\\s` as `str` regexes read it on ASCII text (bytes regexes leave out \\x1c-\\x1f)."""
_SEP_B = _SEP.encode()
_FAST_STAMP = re.compile(rb"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,6})?(?:Z|[+-]\d{2}:\d{2})?")


def fast_stamp(stamp: bytes) -> datetime | None:
    """`ts.parse_iso` of a common stamp through `datetime.fromisoformat`; None when unsure."""
    if _FAST_STAMP.fullmatch(stamp) is None or stamp[11:13] == b"24":
        return None
    try:
        return datetime.fromisoformat(stamp.decode())
    except ValueError:
        return None  # e.g. second 60, which the full parser clamps


_LEVEL_OF_TOKEN: dict[bytes, str | None] = {}


def _token_level(token: bytes) -> str | None:
    """The level `_split_level` reads from a first token (None: not decided by this token)."""
    if token not in _LEVEL_OF_TOKEN:
        if len(_LEVEL_OF_TOKEN) > 4096:
            _LEVEL_OF_TOKEN.clear()
        _LEVEL_OF_TOKEN[token] = _split_level(token.decode())[0]
    return _LEVEL_OF_TOKEN[token]


_ISO_LINE_B = re.compile(
    rb"\[?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?(?:[.,]\d+)?"
    rb"(?:" + _WS + rb"?(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT))?)\]?(?=[" + _WS[1:-1] + rb",|\]]|$)"
    + _WS + rb"*([^" + _WS[1:-1] + rb"]+)"
)


def iso_text_line(raw: bytes) -> LeanLine | None:
    """Lean reading of an ISO-stamped text line (the `iso` layout alone in its file)."""
    line = raw.rstrip(b"\r\n")
    if not line.isascii() or line[:1] == b"<":
        return None
    m = _ISO_LINE_B.match(line)
    if m is None:
        return None
    level = _token_level(m.group(2))
    if level is None:
        return None
    stamp = fast_stamp(m.group(1))
    if stamp is None:
        return None
    # `_split_level` decides on this first token and keeps what follows it, less separators;
    # warnings are mined into templates, so theirs is read now (no second parse of the line)
    message = line[m.end(2):].lstrip(_SEP_B).decode() if ts.LEVEL_RANK[level] >= WARN_RANK else None
    return stamp, level, (), _DEPLOY_HINT.search(line.lower()) is not None, message  # text: no version


def _key_pattern(key: str) -> re.Pattern[bytes]:
    return re.compile(rb'"' + re.escape(key.encode()) + rb'"' + _WS + rb"*:" + _WS + rb'*"([^"]*)"')


_TIME_KEYS = ("timestamp", "@timestamp", "time", "ts", "datetime", "date", "t", "eventTime")
_LEVEL_KEYS = ("level", "severity", "levelname", "lvl", "log.level", "loglevel", "level_name")
_TIME_PATTERNS = [(f'"{k}"'.encode(), _key_pattern(k)) for k in _TIME_KEYS]
_LEVEL_PATTERNS = [(f'"{k}"'.encode(), _key_pattern(k)) for k in _LEVEL_KEYS]
_MESSAGE_PATTERNS = [(f'"{k}"'.encode(), _key_pattern(k)) for k in _MESSAGE_KEYS]
_SIG = re.compile(rb'"(service|service\.name|serviceName|version|service\.version)"' + _WS
                  + rb'*:' + _WS + rb'*("[^"]*"|[^,}\s]+)')
_EPOCH_DIGITS = re.compile(rb"\d{9,19}(?:\.\d+)?")
_CONTROL = bytes(range(32))
"""Raw control characters are invalid inside JSON strings: such a line goes to json.loads."""


def _first_key(line: bytes, patterns: list[tuple[bytes, re.Pattern[bytes]]]) -> bytes | None | bool:
    """The string value of the first key present (the full parser's precedence); False: unsure."""
    for quoted, pattern in patterns:
        if quoted in line:
            found = pattern.findall(line)
            if len(found) != 1 or line.count(quoted) != 1:
                return False  # not a plain string value, or the word also appears elsewhere
            value: bytes = found[0]
            return value
    return None


def json_line(raw: bytes) -> LeanLine | None:
    """Lean reading of a flat JSON line (one object, no nesting, no escapes, string values)."""
    line = raw.rstrip(b"\r\n")
    if (line[:1] != b"{" or line[-1:] != b"}" or not line.isascii() or b"\\" in line
            or line.count(b"{") != 1 or line.count(b"}") != 1 or b"[" in line
            or len(line.translate(None, _CONTROL)) != len(line)):
        return None  # nested, escaped, or possibly invalid JSON: the full parser decides
    level_value = _first_key(line, _LEVEL_PATTERNS)
    if not isinstance(level_value, bytes):
        return None
    level = _token_level_json(level_value)
    if level is None:
        return None
    message: str | None = None
    if ts.LEVEL_RANK[level] >= WARN_RANK:  # mined into templates: read the message now
        message_value = _first_key(line, _MESSAGE_PATTERNS)
        if message_value is False:
            return None
        message = message_value.decode() if isinstance(message_value, bytes) else ""
    stamp_value = _first_key(line, _TIME_PATTERNS)
    if stamp_value is False or (isinstance(stamp_value, bytes) and _EPOCH_DIGITS.fullmatch(stamp_value.strip())):
        return None
    stamp = None
    if isinstance(stamp_value, bytes):
        stamp = fast_stamp(stamp_value)
        if stamp is None:
            return None
    sig = tuple(b"=".join(pair) for pair in _SIG.findall(line))
    return stamp, level, sig, _DEPLOY_HINT.search(line.lower()) is not None, message


_LEVEL_OF_VALUE: dict[bytes, str | None] = {}


def _token_level_json(value: bytes) -> str | None:
    if value not in _LEVEL_OF_VALUE:
        if len(_LEVEL_OF_VALUE) > 4096:
            _LEVEL_OF_VALUE.clear()
        _LEVEL_OF_VALUE[value] = ts.normalize_level(value.decode())
    return _LEVEL_OF_VALUE[value]


LEAN: dict[str, LeanClassifier] = {"iso": iso_text_line, "json": json_line}
"""Lean classifiers by layout, used when that layout is the only one detected in a file."""
