"""Evidence tools that an engine (the claude engine, an MCP client) can call by name.

Each tool has a pydantic input model (its docstrings are what the model reads) and returns a
``ToolOutput`` — status, text output, the exact invocation, and the evidence ids it recorded — rather
than raising, so a model can see what went wrong and correct itself. Tools are read-only and
sandboxed: files only inside the repository, logs only among those the user named; output is capped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import FivewhysError, describe_validation
from .evidence.git import Git
from .evidence.source import RepoIndex, snippet
from .graph.state import EvidenceBook
from .report.model import EvidenceKind

if TYPE_CHECKING:
    from .evidence.logs.model import LogRecord

MAX_OUTPUT_CHARS = 6000


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class SearchLogs(_Input):
    """Search the incident's log files; every hit is recorded as citable evidence."""

    pattern: str = Field(min_length=1, max_length=500)
    """Literal text, or a regular expression when regex is true."""
    regex: bool = False
    ignore_case: bool = True
    since: datetime | None = None
    """ISO 8601; only records at or after this time."""
    until: datetime | None = None
    min_level: Literal["DEBUG", "INFO", "WARN", "ERROR", "FATAL"] | None = None
    fields: dict[str, str] = Field(default_factory=dict, max_length=5)
    """Exact-match filters on structured fields: {"service": "checkout", "correlation_id": "c0ffee"}."""
    context: int = Field(default=0, ge=0, le=5)
    """Records shown before and after each match."""
    max_matches: int = Field(default=10, ge=1, le=50)


class LogTemplates(_Input):
    """The most frequent message templates (variables masked as <*>) of WARN-or-worse records, with counts."""

    since: datetime | None = None
    until: datetime | None = None
    limit: int = Field(default=15, ge=1, le=50)


class LogStats(_Input):
    """What changed in the logs: records per level, the first error (cascade start), error spikes
    (a minute far above the minutes before), templates new since the onset, and deploy/restart markers."""

    since: datetime | None = None
    """ISO 8601; start of the window of interest (earlier records still serve as the baseline)."""
    until: datetime | None = None
    onset: datetime | None = None
    """When the incident started; templates first seen at or after it are "new". Default: since."""
    limit: int = Field(default=8, ge=1, le=30)
    """Items shown per list (spikes, new templates, markers)."""


class LogTimeline(_Input):
    """Records of every log file merged in time order, for one request or trace id (correlation_id,
    trace_id, request id...) or for a time window: what happened, in order, across services."""

    ids: list[str] = Field(default_factory=list, max_length=5)
    """Identifiers a record must mention (in its text or any field); empty: every record in the window."""
    since: datetime | None = None
    until: datetime | None = None
    min_level: Literal["DEBUG", "INFO", "WARN", "ERROR", "FATAL"] | None = None
    """Drop records below this level (default: all records for ids, WARN-or-worse for a window)."""
    limit: int = Field(default=30, ge=1, le=100)


class GitLog(_Input):
    """Commits (newest first), optionally only those touching a path or a function in it."""

    path: str | None = None
    """Repository-relative path."""
    function: str | None = None
    """With path: only commits that changed this function (git log -L)."""
    since: datetime | None = None
    until: datetime | None = None
    max_count: int = Field(default=15, ge=1, le=50)


class GitBlame(_Input):
    """Who last changed each line of a range, and in which commit."""

    path: str
    start: int = Field(ge=1)
    end: int = Field(ge=1)


class GitShow(_Input):
    """A commit's message and diff, optionally limited to some paths."""

    sha: str = Field(pattern=r"^[0-9a-fA-F]{7,40}$")
    paths: list[str] = Field(default_factory=list)
    max_lines: int = Field(default=120, ge=10, le=400)


class ReadSource(_Input):
    """Lines of a repository file around a line number, from the working tree or from a given commit."""

    path: str
    line: int = Field(ge=1)
    before: int = Field(default=8, ge=0, le=60)
    after: int = Field(default=8, ge=0, le=60)
    commit: str | None = Field(default=None, pattern=r"^[0-9a-fA-F]{7,40}$")
    """Read the file as it was at this commit (e.g. before a suspect change); default: the working tree."""


class GitSuspects(_Input):
    """Commits ranked by how strongly they are implicated in a failure, each with a one-line reason."""

    frames: list[str] = Field(min_length=1, max_length=40)
    """Places on the failing path, innermost first, as "path:line" or "path:line:function"."""
    onset: datetime | None = None
    """When the failure started (ISO 8601 with a zone); commits after it are not suspects."""
    keys: list[str] = Field(default_factory=list, max_length=10)
    """Config keys or file names named in the error."""
    deploy_text: str | None = None
    """A deploy/version marker seen before the onset, e.g. "deployed version v2.3.1"."""


class SearchCode(_Input):
    """Search tracked files (git grep, Perl regex) — e.g. to find where a function is defined."""

    regex: str = Field(min_length=1, max_length=300)
    max_hits: int = Field(default=20, ge=1, le=50)


class ToolOutput(BaseModel):
    status: Literal["ok", "error"]
    output: str
    invocation: str
    evidence: list[str] = Field(default_factory=list)


@dataclass
class ToolEnv:
    """What the tools may touch."""

    book: EvidenceBook
    git: Git | None = None
    index: RepoIndex | None = None
    log_paths: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class Tool:
    name: str
    input_model: type[_Input]
    run: Callable[[ToolEnv, Any], ToolOutput]

    @property
    def description(self) -> str:
        return (self.input_model.__doc__ or self.name).strip()

    def input_schema(self) -> dict[str, Any]:
        schema = self.input_model.model_json_schema()
        schema.pop("title", None)
        schema.pop("description", None)
        return schema


def call_tool(name: str, arguments: dict[str, Any], env: ToolEnv) -> ToolOutput:
    """Validate the arguments and run the tool; every failure comes back as an error result."""
    tool = TOOLS.get(name)
    shown = f"{name}({arguments})"[:300]
    if tool is None:
        return ToolOutput(status="error", output=f"unknown tool {name!r}; tools: {', '.join(TOOLS)}", invocation=shown)
    try:
        args = tool.input_model.model_validate(arguments)
    except ValidationError as exc:
        return ToolOutput(status="error", output=f"invalid arguments: {describe_validation(exc)}", invocation=shown)
    try:
        out = tool.run(env, args)
    except FivewhysError as exc:  # a log that vanished or turned binary mid-run: a result, not a crash
        return ToolOutput(status="error", output=str(exc), invocation=shown)
    if len(out.output) > MAX_OUTPUT_CHARS:
        cut = out.output[:MAX_OUTPUT_CHARS]
        out = out.model_copy(update={"output": cut + f"\n… (output cut at {MAX_OUTPUT_CHARS} characters)"})
    return out


def _err(invocation: str, message: str) -> ToolOutput:
    return ToolOutput(status="error", output=message, invocation=invocation)


@dataclass
class _Listing:
    """A tool's output lines and the evidence ids they cite: every cited line is recorded first."""

    book: EvidenceBook
    lines: list[str]
    ids: list[str] = field(default_factory=list)

    def cite(self, kind: EvidenceKind, source: str, excerpt: str, note: str, text: str) -> str:
        """Record ``excerpt`` as evidence and add the line ``[E#] text``; return the id."""
        eid = self.book.add(kind, source, excerpt, note=note)
        self.ids.append(eid)
        self.lines.append(f"[{eid}] {text}")
        return eid

    def record(self, record: LogRecord, note: str, text: str) -> str:
        return self.cite("log", record.source, record.raw, note, text)

    def done(self, invocation: str, empty: str = "") -> ToolOutput:
        return ToolOutput(status="ok", output="\n".join(self.lines) or empty, invocation=invocation, evidence=self.ids)


def _search_logs(env: ToolEnv, a: SearchLogs) -> ToolOutput:
    import re

    from .evidence import logs
    from .evidence.logs.model import LogQuery

    inv = f"search_logs pattern={a.pattern!r} regex={a.regex}"
    if not env.log_paths:
        return _err(inv, "no log files were given for this incident")
    if a.regex:
        try:
            re.compile(a.pattern)
        except re.error as exc:
            return _err(inv, f"bad regex: {exc}")
    result = logs.search(env.log_paths, LogQuery(pattern=a.pattern, regex=a.regex, ignore_case=a.ignore_case,
                                                 since=a.since, until=a.until, min_level=a.min_level,
                                                 fields=a.fields, context=a.context, max_matches=a.max_matches))
    out = _Listing(env.book, [f"{result.total_matches} matching records (showing {len(result.matches)})"])
    for m in result.matches:
        out.lines += [f"    {r.source}: {r.raw[:200]}" for r in m.before]
        out.record(m.record, f"matches {a.pattern!r}", f"{m.record.source}: {m.record.raw[:300]}")
        out.lines += [f"    {r.source}: {r.raw[:200]}" for r in m.after]
    return out.done(inv)


def _log_templates(env: ToolEnv, a: LogTemplates) -> ToolOutput:
    from .evidence import logs

    inv = "log_templates"
    if not env.log_paths:
        return _err(inv, "no log files were given for this incident")
    stats = logs.stats(env.log_paths, since=a.since, until=a.until)
    out = _Listing(env.book, [f"records: {stats.records}; levels: {stats.levels}"])
    for t in stats.top_error_templates[: a.limit]:
        out.record(t.first, f"first of {t.count} records like this",
                   f"x{t.count} first {t.first.timestamp}: {t.template[:200]}")
    for d in stats.deploy_markers[-5:]:
        out.record(d, "deploy or version marker", f"deploy marker {d.timestamp}: {d.message[:200]}")
    return out.done(inv)


def _log_stats(env: ToolEnv, a: LogStats) -> ToolOutput:
    from .evidence import logs

    inv = f"log_stats since={a.since} until={a.until} onset={a.onset}"
    if not env.log_paths:
        return _err(inv, "no log files were given for this incident")
    st = logs.stats(env.log_paths, since=a.since, until=a.until, onset=a.onset)
    out = _Listing(env.book, [f"records: {st.records} ({st.first_timestamp} .. {st.last_timestamp}); levels: "
                              f"{st.levels}" + (f"; {st.unparsed_lines} lines not parsed" if st.unparsed_lines else "")])
    if st.first_error is not None:
        out.record(st.first_error, "first error of the window",
                   f"first error {st.first_error.timestamp}: {st.first_error.message[:200]}")
    for sp in st.spikes[: a.limit]:
        out.lines.append(f"error spike {sp.minute}: {sp.count}/min "
                         f"(baseline {sp.baseline_mean:.1f} ± {sp.baseline_std:.1f})")
    for ts in st.template_spikes[: a.limit]:
        out.record(ts.first, f"template spiking at {ts.minute}",
                   f"spike {ts.minute}: x{ts.count}/min (baseline {ts.baseline_mean:.1f}) {ts.template[:160]}")
    for t in st.new_templates[: a.limit]:
        out.record(t.first, f"new since {st.onset}: {t.count} records like this",
                   f"new since {st.onset}: x{t.count} first {t.first.timestamp}: {t.template[:160]}")
    for d in st.deploy_markers[-a.limit:]:
        out.record(d, "deploy or version marker", f"deploy marker {d.timestamp}: {d.message[:160]}")
    out.lines += [f"warning: {w}" for w in st.warnings[:3]]
    return out.done(inv)


def _log_timeline(env: ToolEnv, a: LogTimeline) -> ToolOutput:
    from .evidence import logs

    inv = f"log_timeline ids={a.ids} since={a.since} until={a.until} min_level={a.min_level}"
    if not env.log_paths:
        return _err(inv, "no log files were given for this incident")
    if not a.ids and a.since is None and a.until is None:
        return _err(inv, "give ids (a correlation/trace/request id) or a time window (since/until)")
    level = a.min_level or (None if a.ids else "WARN")
    records = logs.timeline(env.log_paths, since=a.since, until=a.until, min_level=level,
                            identifiers=a.ids, limit=a.limit)
    cut = " (the first ones; raise limit or narrow the window)" if len(records) == a.limit else ""
    out = _Listing(env.book, [f"{len(records)} records in time order{cut}"])
    note = "timeline of " + (", ".join(a.ids) or "the window")
    for r in records:
        service = r.fields.get("service") or r.path.name
        out.record(r, note, f"{r.timestamp} {service} {r.level or '-'} {r.message[:200]}")
    return out.done(inv)


def _git_log(env: ToolEnv, a: GitLog) -> ToolOutput:
    inv = f"git log path={a.path} function={a.function}"
    if env.git is None:
        return _err(inv, "no git repository for this incident")
    if a.function and a.path:
        commits = env.git.log_function(a.path, a.function, max_count=a.max_count)
    else:
        commits = env.git.log([a.path] if a.path else None, since=a.since, until=a.until, max_count=a.max_count)
    cited = [(_cite_commit(env, c.sha, c.subject, c.author, c.date, "in the history asked for"), c) for c in commits]
    lines = [f"[{eid}] {c.sha[:10]} {c.date.isoformat()} {c.author}: {c.subject} ({', '.join(c.files[:5])})"
             for eid, c in cited]
    return ToolOutput(status="ok", output="\n".join(lines) or "no commits", invocation=inv,
                      evidence=[eid for eid, _ in cited])


def _cite_commit(env: ToolEnv, sha: str, subject: str, author: str, date: datetime, note: str) -> str:
    return env.book.add("commit", f"commit:{sha}", f"{subject} ({author}, {date.isoformat()})", note=note)


def _git_blame(env: ToolEnv, a: GitBlame) -> ToolOutput:
    inv = f"git blame -L{a.start},{a.end} {a.path}"
    if env.git is None:
        return _err(inv, "no git repository for this incident")
    if a.end < a.start or a.end - a.start > 200:
        return _err(inv, "end must be >= start and the range at most 200 lines")
    rows = env.git.blame(a.path, a.start, a.end)
    if not rows:
        return _err(inv, f"no blame for {a.path}:{a.start}-{a.end} (missing file or lines?)")
    ids = [env.book.add("source", f"{a.path}:{a.start}-{a.end}", "\n".join(r.text for r in rows), note="blamed lines")]
    lines = [f"[{ids[0]}] {a.path}:{a.start}-{a.end}"]
    lines += [f"{r.line:5d} {r.sha[:10]} {r.date.date()} {r.author:<16.16} {r.text}" for r in rows]
    return ToolOutput(status="ok", output="\n".join(lines), invocation=inv, evidence=ids)


def _git_show(env: ToolEnv, a: GitShow) -> ToolOutput:
    inv = f"git show {a.sha} -- {' '.join(a.paths)}"
    if env.git is None:
        return _err(inv, "no git repository for this incident")
    commit = env.git.commit(a.sha)
    if commit is None:
        return _err(inv, f"no commit {a.sha}")
    res = env.git.show(commit.sha, a.paths, max_lines=a.max_lines)
    eid = env.book.add("commit", f"commit:{commit.sha}", res.output, note="diff shown")
    return ToolOutput(status="ok", output=f"[{eid}]\n{res.output}", invocation=inv, evidence=[eid])


def _read_source(env: ToolEnv, a: ReadSource) -> ToolOutput:
    inv = f"read_source {a.path}:{a.line}" + (f" at {a.commit}" if a.commit else "")
    if env.index is None:
        return _err(inv, "no repository for this incident")
    if a.commit:
        return _read_at_commit(env, a, inv)
    snip = snippet(env.index, a.path, a.line, before=a.before, after=a.after)
    if snip is None:
        return _err(inv, f"{a.path}:{a.line} is not a line of a file in the repository")
    eid = env.book.add("source", snip.source, snip.text(mark=a.line), note="source read")
    return ToolOutput(status="ok", output=f"[{eid}] {snip.source}\n{snip.text(mark=a.line)}", invocation=inv,
                      evidence=[eid])


def _read_at_commit(env: ToolEnv, a: ReadSource, inv: str) -> ToolOutput:
    assert env.git is not None and a.commit is not None
    commit = env.git.commit(a.commit)
    lines = env.git.read(a.path, commit.sha) if commit else None
    if commit is None or lines is None or not 1 <= a.line <= len(lines):
        return _err(inv, f"{a.path}:{a.line} does not exist at {a.commit}")
    start, end = max(1, a.line - a.before), min(len(lines), a.line + a.after)
    text = "\n".join(f"{'>' if n == a.line else ' '}{n:5d} | {lines[n - 1]}" for n in range(start, end + 1))
    eid = env.book.add("commit", f"commit:{commit.sha}", f"{a.path} at {commit.sha[:10]}:\n{text}",
                       note=f"{a.path}:{start}-{end} as of this commit")
    return ToolOutput(status="ok", output=f"[{eid}] {a.path} at {commit.sha[:10]}\n{text}", invocation=inv,
                      evidence=[eid])


def _git_suspects(env: ToolEnv, a: GitSuspects) -> ToolOutput:
    from .evidence.suspects import FrameRef, SuspectQuery, rank_suspects

    inv = f"git_suspects {len(a.frames)} frames"
    if env.git is None:
        return _err(inv, "no git repository for this incident")
    frames = []
    for spec in a.frames:
        path, _, rest = spec.partition(":")
        line, _, function = rest.partition(":")
        frames.append(FrameRef(path=path, line=int(line) if line.isdigit() else None, function=function or None))
    onset = a.onset if a.onset is None or a.onset.tzinfo else a.onset.astimezone()
    ranked = rank_suspects(env.git, SuspectQuery(frames=frames, onset=onset, keys=a.keys, deploy_text=a.deploy_text))
    cited = [(_cite_commit(env, r.sha, r.subject, r.author, r.date, r.reason), r) for r in ranked]
    lines = [f"[{eid}] {r.score:.2f} {r.sha[:10]} {r.subject} — {r.reason}" for eid, r in cited]
    return ToolOutput(status="ok", output="\n".join(lines) or "no suspect commits", invocation=inv,
                      evidence=[eid for eid, _ in cited])


def _search_code(env: ToolEnv, a: SearchCode) -> ToolOutput:
    inv = f"git grep -P {a.regex!r}"
    if env.git is None:
        return _err(inv, "no git repository for this incident")
    hits = env.git.grep(a.regex, max_hits=a.max_hits)
    out = _Listing(env.book, [])
    for path, line, text in hits:
        out.cite("source", f"{path}:{line}", text.strip(), f"matches {a.regex!r}", f"{path}:{line}: {text.strip()[:200]}")
    return out.done(inv, empty="no matches")


TOOLS: dict[str, Tool] = {t.name: t for t in [
    Tool("search_logs", SearchLogs, _search_logs),
    Tool("log_templates", LogTemplates, _log_templates),
    Tool("log_stats", LogStats, _log_stats),
    Tool("log_timeline", LogTimeline, _log_timeline),
    Tool("git_log", GitLog, _git_log),
    Tool("git_blame", GitBlame, _git_blame),
    Tool("git_show", GitShow, _git_show),
    Tool("read_source", ReadSource, _read_source),
    Tool("search_code", SearchCode, _search_code),
    Tool("git_suspects", GitSuspects, _git_suspects),
]}
