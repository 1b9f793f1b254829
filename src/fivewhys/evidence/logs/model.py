"""Records and queries of the log tools, shared by readers, search and the graph."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

LEVELS = ("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL")
"""Normalized levels, least to most severe (WARNING -> WARN, CRITICAL/PANIC/EMERG -> FATAL ...)."""


class LogRecord(BaseModel):
    """One log record: a line, or a line and its continuation lines (an embedded trace)."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    path: Path
    line: int
    """1-based number of the record's first line in its file."""
    end_line: int
    """1-based number of the record's last line (== line for one-line records)."""
    timestamp: datetime | None = None
    """Timezone-aware when the log says the zone; naive otherwise (read as local to the log)."""
    level: str | None = None
    """One of LEVELS, or None when the record has none."""
    message: str
    """The message text (for JSON lines: the msg/message field; for text: the line minus prefix)."""
    fields: dict[str, str] = Field(default_factory=dict)
    """Structured fields, flattened with dots: service, correlation_id, trace_id, error.type, ..."""
    raw: str
    """The record's text as in the file (continuation lines joined with newlines)."""

    @property
    def source(self) -> str:
        """Citation form: `path:line` or `path:start-end`."""
        if self.end_line != self.line:
            return f"{self.path}:{self.line}-{self.end_line}"
        return f"{self.path}:{self.line}"


class LogQuery(BaseModel):
    """What to search for; every filter is optional."""

    pattern: str | None = None
    regex: bool = False
    ignore_case: bool = False
    since: datetime | None = None
    until: datetime | None = None
    min_level: str | None = None
    fields: dict[str, str] = Field(default_factory=dict)
    """Exact-match filters on structured fields (service, correlation_id, ...)."""
    context: int = 0
    """Records of context before and after each match."""
    max_matches: int = 200


class LogMatch(BaseModel):
    record: LogRecord
    before: list[LogRecord] = Field(default_factory=list)
    after: list[LogRecord] = Field(default_factory=list)


class SearchResult(BaseModel):
    matches: list[LogMatch] = Field(default_factory=list)
    total_matches: int = 0
    """All matches, including those past max_matches."""
    scanned_records: int = 0
    unparsed_lines: int = 0
    """Lines kept as plain text because no layout matched (never fatal)."""
    warnings: list[str] = Field(default_factory=list)


class TemplateStat(BaseModel):
    """One message template (variables masked as `<*>`) and where it occurs."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    template: str
    count: int
    first: LogRecord
    """The template's first record (its example, citable as `path:line`)."""
    last_seen: datetime | None = None


class MinuteCount(BaseModel):
    """Records of one minute bucket (start of the minute, in the log's own clock)."""

    minute: datetime
    count: int


class Spike(BaseModel):
    """A minute whose error count is far above the minutes before it."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    minute: datetime
    count: int
    baseline_mean: float
    """Mean errors per minute over the baseline (the quiet minutes before this one)."""
    baseline_std: float


class TemplateRate(BaseModel):
    """How often one WARN-or-worse template occurs, per minute, inside the window."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    template: str
    per_minute: list[MinuteCount] = Field(default_factory=list)
    """Records of the template per minute (minutes with none are omitted)."""


class TemplateSpike(BaseModel):
    """A minute in which one template occurs far more often than in the minutes before."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    template: str
    minute: datetime
    count: int
    baseline_mean: float
    """Mean records of this template per minute over its baseline (the quiet minutes before)."""
    baseline_std: float
    first: LogRecord
    """The template's first record (its example, citable as `path:line`)."""


class LogStats(BaseModel):
    """What a set of log files says, summarised: levels, rates, templates, spikes, deploys."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    files: list[Path] = Field(default_factory=list)
    records: int = 0
    """Records inside the window (since/until)."""
    unparsed_lines: int = 0
    levels: dict[str, int] = Field(default_factory=dict)
    """Records per level inside the window; records without a level count under "NONE"."""
    first_timestamp: datetime | None = None
    last_timestamp: datetime | None = None
    first_warning: LogRecord | None = None
    """The first WARN-or-worse record of the window."""
    last_warning: LogRecord | None = None
    first_error: LogRecord | None = None
    """The first ERROR-or-worse record of the window (the cascade start, often)."""
    errors_per_minute: list[MinuteCount] = Field(default_factory=list)
    """ERROR-or-worse records per minute inside the window (minutes with none are omitted)."""
    top_error_templates: list[TemplateStat] = Field(default_factory=list)
    onset: datetime | None = None
    """The time new templates are measured from: the `onset` argument, else `since`, else the
    first spike."""
    new_templates: list[TemplateStat] = Field(default_factory=list)
    """WARN-or-worse templates whose first record (over the whole files) is at or after the onset."""
    spikes: list[Spike] = Field(default_factory=list)
    deploy_markers: list[LogRecord] = Field(default_factory=list)
    """Records that announce a deploy, release, restart or version change."""
    warnings: list[str] = Field(default_factory=list)
    template_rates: list[TemplateRate] = Field(default_factory=list)
    """Per-minute rates of the top error templates, the new templates and the spiking ones."""
    template_spikes: list[TemplateSpike] = Field(default_factory=list)
    """Minutes in which one WARN-or-worse template spiked (its own baseline), in time order."""
