"""The user's redaction rules (from the config): extra patterns, an allow-list, fields always dropped.

They run beside the built-in table (whose compiled rules stay shared and untouched), so a
Redactor without options pays nothing for them. Each becomes candidate spans like a built-in rule,
and they only ever add to what the table redacts: a user span that overlaps a built-in one becomes
their union (``_engine``), as a project's config may set patterns too:

- ``patterns``: label -> regex; the group named ``s``, else the whole match, becomes
  ``<SECRET:label#n>``;
- ``drop_fields``: ``password``, ``user.email``: the value of that field, whatever it looks like,
  becomes ``<SECRET:field#n>``. Fields are found by their last name segment, as a JSON key
  (``"email": "…"``, escaped ``\\"email\\": \\"…\\"`` too) or a ``key=value`` / ``key: value`` key,
  with or without a dotted prefix (``user.email=…``, ``"user.email": …``). Nesting is not followed:
  ``user.email`` also drops ``email`` under other objects (more is dropped, never less). Only
  scalar values go (a string's content, a number, a bare word); ``null``, ``true``, ``false``,
  objects and arrays stay;
- ``allow``: a candidate span whose text is exactly an allowed value is no candidate, whichever
  rule found it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fivewhys.errors import ConfigError
from fivewhys.redact._assign import to_end_of_config_line
from fivewhys.redact._gate import ascii_lower
from fivewhys.redact._rules import Span

if TYPE_CHECKING:
    from fivewhys.config import Settings

FIELD_LABEL = "field"

_KEEP_BARE = frozenset({"null", "true", "false", "none", "nil"})
# A field's value after its key: a quoted string (JSON, escaped JSON, single quotes) or a bare scalar.
_FIELD_VALUE = (
    r"[ \t]*(?P<sep>[:=])[ \t]*(?:"
    r"\\\"(?P<ev>(?:[^\\\n]|\\(?!\")[^\n])*)\\\""  # \"…\" inside a JSON string
    r"|\"(?P<dv>(?:[^\"\\\n]|\\.)*)\""
    r"|'(?P<sv>[^'\n]*)'"
    r"|(?P<bv>[^\s\"',;&{}\[\]]+))"
)


@dataclass(frozen=True)
class RedactOptions:
    """Extra redaction rules; the default (all empty) is the built-in behaviour.

    Raises:
        ConfigError: a pattern is not a valid regex (``Settings`` refuses those earlier).
    """

    patterns: Mapping[str, str] = field(default_factory=dict)
    """label -> regex (the group ``s``, else the whole match, is replaced)."""
    allow: frozenset[str] = frozenset()
    """Exact values never redacted."""
    drop_fields: tuple[str, ...] = ()
    """Field names whose values are always replaced."""
    _compiled: tuple[tuple[str, re.Pattern[str]], ...] = field(init=False, repr=False, compare=False)
    _names: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _fields: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        compiled = []
        for label, pattern in self.patterns.items():
            try:
                compiled.append((label, re.compile(pattern)))
            except re.error as exc:
                raise ConfigError(f"redact_patterns {label!r}: bad regex: {exc}") from None
        names = sorted({ascii_lower(name.rsplit(".", 1)[-1]) for name in self.drop_fields} - {""})
        object.__setattr__(self, "_compiled", tuple(compiled))
        object.__setattr__(self, "_names", tuple(names))
        object.__setattr__(self, "_fields", _field_regex(names) if names else None)

    @classmethod
    def from_settings(cls, settings: Settings) -> RedactOptions:
        """The options the settings (user and project config) ask for."""
        return cls(patterns=dict(settings.redact_patterns), allow=frozenset(settings.redact_allow),
                   drop_fields=tuple(settings.redact_drop_fields))

    @property
    def empty(self) -> bool:
        """Nothing configured: the built-in behaviour."""
        return not (self._compiled or self._fields or self.allow)

    def spans(self, text: str) -> Iterator[Span]:
        """The user rules' spans in ``text``: fields first, then the patterns in config order."""
        if self._fields is not None:
            yield from self._field_spans(text)
        for label, regex in self._compiled:
            group = "s" if "s" in regex.groupindex else 0
            for m in regex.finditer(text):
                start, end = m.span(group)
                if start < end:
                    yield start, end, label

    def _field_spans(self, text: str) -> Iterator[Span]:
        # a case-insensitive regex tried at every position costs as much as the built-in table;
        # finding the names first in the lower-cased text (in C) leaves the regex a few places
        assert self._fields is not None
        lowered, match = ascii_lower(text), self._fields.match
        for name in self._names:
            pos = lowered.find(name)
            while pos >= 0:
                m = match(text, pos)
                if m is not None:
                    yield from _field_span(m)
                pos = lowered.find(name, pos + 1)

    def allowed(self, text: str, candidates: Iterable[Span]) -> Iterator[Span]:
        """``candidates`` without those whose text is an allowed value."""
        allow = self.allow
        return (c for c in candidates if text[c[0]:c[1]] not in allow)


def _field_regex(names: Iterable[str]) -> re.Pattern[str]:
    """A field's last name segment (after a dot, a quote, a space: any dotted prefix goes), its
    closing quote, the separator and the value."""
    key = "(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + ")"
    return re.compile(r"(?i)(?<![\w\-])" + key + r"(?:\\?[\"'])?(?![\w.\-])" + _FIELD_VALUE)


def _field_span(m: re.Match[str]) -> Iterator[Span]:
    for group in ("ev", "dv", "sv", "bv"):
        start, end = m.span(group)
        if start >= 0:
            break
    if start >= end or (group == "bv" and m.group("bv").lower() in _KEEP_BARE):
        return
    yield start, to_end_of_config_line(m.string, m.start(), end) if group == "bv" else end, FIELD_LABEL
