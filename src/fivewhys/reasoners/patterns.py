"""The offline engine's knowledge base: failure patterns as data files (TOML), their schema and matcher.

A pattern says how to recognise a failure (exception types, message regexes, log regexes), what
hypothesis it suggests, which checks would confirm it, and the report text (fix, tests, prevention,
monitoring, runbook) with ``{placeholders}`` filled from the evidence. Built-in patterns live in
``reasoners/patterns/*.toml``; users add their own folder (``Settings.pattern_dirs``); a user pattern
with the same id replaces the built-in one.

Placeholders: ``{name}`` or ``{name|default text}``. Names come from the evidence (``exception``,
``message``, ``file``, ``line``, ``function``, ``origin_function``, ``origin_file``, ``commit``,
``commit_subject``, ``service``, ``first_seen`` ...) and from named groups of the message regex that
matched (``(?P<key>...)``). A name with no value and no default renders as ``the <name>`` read in
words, so report text never shows raw braces.
"""

from __future__ import annotations

import re
import tomllib
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import InputError, describe_validation
from ..report.model import ErrorType, Observability, Severity

CheckName = Literal[
    "value_origin",
    "crash_path_history",
    "log_search",
    "config_history",
    "deploy_before_onset",
    "first_error",
    "error_rate",
]
"""The offline engine's check vocabulary (see reasoners/offline.py for what each one does)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class Matchers(_Strict):
    exception_types: list[str] = Field(default_factory=list)
    """Exception types; match on the full name or its last dotted/colon part (``KeyError``)."""
    messages: list[str] = Field(default_factory=list)
    """Regexes (case-insensitive) searched in the exception message; named groups become placeholders."""
    logs: list[str] = Field(default_factory=list)
    """Regexes searched in WARN-or-worse log messages when there is no matching exception."""
    require_message: bool = False
    """When true, an exception-type match also needs a message match (for broad types like TypeError)."""

    @field_validator("messages", "logs")
    @classmethod
    def _compiles(cls, values: list[str]) -> list[str]:
        for value in values:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"bad regex {value!r}: {exc}") from exc
        return values


class Check(_Strict):
    name: CheckName
    pattern: str | None = None
    """For log_search: the regex to look for in the logs (placeholders allowed)."""
    key: str | None = None
    """For config_history: the config key or env var (placeholders allowed)."""
    why: str = ""
    """What a positive result would show (used as the evidence note)."""


class Monitor(_Strict):
    signal: str
    query: str
    alert: str


class Pattern(_Strict):
    id: str
    title: str
    type: ErrorType
    severity: Severity
    observability: Observability = "deterministic"
    priority: int = 50
    """Breaks ties between patterns that match equally well (higher wins)."""
    match: Matchers
    hypothesis: str
    """The root cause this pattern suggests, as one sentence with placeholders."""
    five_whys: list[str] = Field(default_factory=list)
    checks: list[Check] = Field(default_factory=list)
    fix_summary: str
    fix_steps: list[str] = Field(default_factory=list)
    testing: list[str] = Field(default_factory=list)
    prevention: list[str] = Field(default_factory=list)
    monitoring: list[Monitor] = Field(default_factory=list)
    runbook: list[str] = Field(default_factory=list)
    source: str = ""
    """The file the pattern came from (set by the loader)."""

    @cached_property
    def _message_res(self) -> list[re.Pattern[str]]:
        return [re.compile(m, re.IGNORECASE) for m in self.match.messages]

    @cached_property
    def _log_res(self) -> list[re.Pattern[str]]:
        return [re.compile(m, re.IGNORECASE) for m in self.match.logs]

    def match_exception(self, exc_type: str | None, message: str | None) -> dict[str, str] | None:
        """Placeholders from the match when this pattern explains the exception, else None."""
        type_hit = exc_type is not None and _type_matches(exc_type, self.match.exception_types)
        groups = _search_all(self._message_res, message or "")
        if type_hit and (groups is not None or not self.match.require_message):
            return groups or {}
        if not self.match.exception_types and groups is not None:
            return groups
        return None

    def message_matches(self, message: str | None) -> bool:
        """True when one of the message regexes finds the message."""
        return _search_all(self._message_res, message or "") is not None

    def match_log(self, message: str) -> dict[str, str] | None:
        """Placeholders when one of the log regexes finds the message, else None."""
        return _search_all(self._log_res, message)

    def match_text(self, text: str) -> dict[str, str] | None:
        """A log line with no exception type: the log regexes, then the message regexes (those that
        need some text: a regex that matches nothing at all would claim every line)."""
        found = self.match_log(text)
        if found is None:
            found = _search_all([rx for rx in self._message_res if not rx.search("")], text)
        return found


def _type_matches(exc_type: str, wanted: list[str]) -> bool:
    short = re.split(r"[.:$\\]+", exc_type.strip())[-1]
    return any(w == exc_type or w == short for w in wanted)


def _search_all(regexes: list[re.Pattern[str]], text: str) -> dict[str, str] | None:
    for rx in regexes:
        found = rx.search(text)
        if found:
            return {k: v for k, v in found.groupdict().items() if v is not None}
    return None


_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)(?:\|([^{}]*))?\}")


def fill(template: str, values: dict[str, str]) -> str:
    """Render ``{name}`` / ``{name|default}`` placeholders from values (see module docstring)."""

    def sub(m: re.Match[str]) -> str:
        name, default = m.group(1), m.group(2)
        value = values.get(name)
        if value:
            return value
        return default if default is not None else "the " + name.replace("_", " ")

    return _PLACEHOLDER.sub(sub, template)


def fill_items(templates: list[str], values: dict[str, str]) -> list[str]:
    """Render a list of report lines, dropping each line that needs a value nobody found.

    A line whose placeholder has neither a value nor a ``|default`` would state something the
    evidence does not show ("a recent change introduced it"), so it is left out rather than guessed.
    """
    out = []
    for template in templates:
        missing = [m for m in _PLACEHOLDER.finditer(template) if not values.get(m.group(1)) and m.group(2) is None]
        if not missing:
            out.append(fill(template, values))
    return out


def load_patterns(extra_dirs: list[Path] | None = None) -> list[Pattern]:
    """Built-in patterns, then each extra folder's ``*.toml`` (same id replaces), sorted by id."""
    by_id: dict[str, Pattern] = {}
    builtin = resources.files("fivewhys.reasoners") / "patterns"
    for entry in sorted(builtin.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            for p in _parse(entry.read_text(encoding="utf-8"), f"builtin:{entry.name}"):
                by_id[p.id] = p
    for folder in extra_dirs or []:
        if not folder.is_dir():
            raise InputError(f"pattern folder not found: {folder}")
        for path in sorted(folder.glob("*.toml")):
            for p in _parse(path.read_text(encoding="utf-8"), str(path)):
                by_id[p.id] = p
    return [by_id[k] for k in sorted(by_id)]


def _parse(text: str, origin: str) -> list[Pattern]:
    """One file holds one pattern at top level, or several as ``[[pattern]]`` tables."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"pattern file {origin}: invalid TOML: {exc}") from None
    items = data["pattern"] if "pattern" in data else [data]
    out = []
    for item in items:
        try:
            out.append(Pattern.model_validate({**item, "source": origin}))
        except ValidationError as exc:
            raise InputError(f"pattern file {origin}: {describe_validation(exc, limit=1)}") from None
    return out
