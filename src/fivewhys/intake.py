"""intake: the user's free text (plus stdin, plus flags) -> an ``Incident``.

It picks out what an on-call engineer would: pasted traces (kept in the text for the extractor),
paths that exist (logs, test results, source files), time windows ("since 11:27", "between 14:00 and
14:30", "last 2h", ISO stamps), identifiers (correlation / trace / request ids), service names and
the repository root. Words it does not recognise stay in ``description``.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from .errors import InputError
from .evidence.git import find_repo_root
from .evidence.logs.timestamps import comparable

LOG_SUFFIXES = {".log", ".jsonl", ".ndjson", ".out", ".err", ".txt", ".gz", ".json"}
RESULT_SUFFIXES = {".xml", ".trx", ".tap"}
SOURCE_SUFFIXES = {".py", ".java", ".kt", ".scala", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".go", ".rb",
                   ".cs", ".rs", ".php", ".c", ".cc", ".cpp", ".h", ".hpp", ".swift", ".toml", ".yaml",
                   ".yml", ".ini", ".cfg", ".env"}
TRACE_LINE = re.compile(
    r"^\s*(Traceback \(most recent call last\)|File \"|at |Caused by:|panic:|goroutine \d+|\.\.\. \d+ more"
    r"|#\d+ |[\w.$]+(Error|Exception)\b.*:|from .+:\d+:in )"
)


class Incident(BaseModel):
    """What the user handed over, sorted into kinds."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    text: str = ""
    """The whole free text, traces included, as given."""
    description: str = ""
    """The user's own words: the text minus pasted trace lines."""
    log_paths: list[Path] = Field(default_factory=list)
    result_paths: list[Path] = Field(default_factory=list)
    """Test result files (JUnit XML, TRX, TAP, JSON reports)."""
    source_paths: list[Path] = Field(default_factory=list)
    since: datetime | None = None
    until: datetime | None = None
    since_time: time | None = None
    """A time of day with no date ("since 11:27"): resolved against the logs' own dates."""
    until_time: time | None = None
    lookback: timedelta | None = None
    """"last 2h": the window ends at the newest log record (or now, with no logs)."""
    identifiers: list[str] = Field(default_factory=list)
    """Correlation / trace / request ids named in the text."""
    services: list[str] = Field(default_factory=list)
    repo: Path | None = None
    cwd: Path | None = None
    """The folder relative paths in the text were read from (cited paths are shown relative to it)."""
    warnings: list[str] = Field(default_factory=list)


_TOD = r"(\d{1,2}:\d{2}(?::\d{2})?)"
_ISO = r"(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)"
_BETWEEN = re.compile(rf"\b(?:between|from)\s+(?:{_ISO}|{_TOD})\s+(?:and|to|until|-)\s+(?:{_ISO}|{_TOD})", re.I)
_SINCE = re.compile(rf"\b(?:since|after|from|starting(?: at)?|began at|started at)\s+(?:{_ISO}|{_TOD})", re.I)
_UNTIL = re.compile(rf"\b(?:until|before|till|up to)\s+(?:{_ISO}|{_TOD})", re.I)
_LAST = re.compile(r"\b(?:last|past)\s+(\d+)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hrs?|hours?|d|days?)\b", re.I)
_BARE_ISO = re.compile(_ISO)
_ID = re.compile(
    r"\b(?:correlation|trace|request|req|span|transaction|txn)[_\- ]?id\s*[=:]?\s*[\"']?([A-Za-z0-9][\w\-.:]{5,})",
    re.I,
)
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I)
_SERVICE = re.compile(r"\b(?:service[=:]\s*([\w\-]+)|(?:the\s+)?([a-z][\w\-]+)\s+service\b)", re.I)
_PATHISH = re.compile(r"(?<![\w/\"'])((?:~|\.{1,2})?/?[\w.\-]+(?:/[\w.\-]+)*\.[A-Za-z0-9]{1,8}|(?:~|\.{1,2})?/?[\w.\-]+/(?:[\w.\-]+/)*)")


def parse_incident(
    text: str,
    *,
    cwd: Path,
    logs: list[Path] | None = None,
    repo: Path | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Incident:
    """Turn free text and flags into an Incident; raises InputError for unusable input."""
    incident = Incident(text=text, cwd=cwd.resolve())
    trace_free = _without_traces(text)
    incident.description = " ".join(" ".join(trace_free).split())[:500]
    _read_times(incident, " ".join(trace_free))
    incident.since = as_utc(since) if since else incident.since
    incident.until = as_utc(until) if until else incident.until
    incident.identifiers = _dedupe(_ID.findall(text) + _UUID.findall(" ".join(trace_free)))
    incident.services = _dedupe(a or b for a, b in _SERVICE.findall(" ".join(trace_free)))
    for path in logs or []:
        _add_path(incident, _checked(path if path.is_absolute() else cwd / path, str(path)), explicit=True)
    for token in _path_tokens(trace_free):
        _add_text_path(incident, token, cwd)
    incident.repo = _find_repo(repo, cwd, incident)
    if not text.strip() and not (incident.log_paths or incident.result_paths):
        raise InputError("nothing to analyze: give an error message, a stack trace, or a log path (--log)")
    return incident


def named_paths(text: str, cwd: Path) -> list[Path]:
    """The paths the free text names (outside pasted traces), resolved against cwd, without reading them."""
    out = []
    for token in _path_tokens(_without_traces(text)):
        path = Path(token).expanduser()
        out.append(path if path.is_absolute() else cwd / path)
    return out


def _without_traces(text: str) -> list[str]:
    """The user's own lines: trace lines and the indented lines under them are dropped."""
    kept, in_trace = [], False
    for line in text.splitlines():
        if TRACE_LINE.match(line) or (in_trace and line[:1].isspace()):
            in_trace = True
            continue
        in_trace = False
        kept.append(line)
    return kept


def _find_repo(repo: Path | None, cwd: Path, incident: Incident) -> Path | None:
    if repo is not None:
        if not repo.is_dir():
            raise InputError(f"--repo {repo}: not a folder")
        root = find_repo_root(repo)
        if root is None:
            raise InputError(f"--repo {repo}: not inside a git repository")
        return root
    for start in [cwd, *incident.source_paths, *incident.log_paths]:
        root = find_repo_root(start)
        if root is not None:
            return root
    return None


def _path_tokens(lines: list[str]) -> list[str]:
    tokens: list[str] = []
    for line in lines:
        for m in _PATHISH.finditer(line):
            tokens.append(m.group(1).rstrip(".,;:)"))
    return _dedupe(tokens)


def _add_text_path(incident: Incident, token: str, cwd: Path) -> None:
    path = Path(token).expanduser()
    path = path if path.is_absolute() else cwd / path
    try:
        exists, is_dir = path.exists(), path.is_dir()
    except OSError:  # a word too long to be a path, or unreadable: not a path the user meant
        return
    if is_dir and not _below(path, cwd):
        return  # "see ../" or "/tmp" in prose is not a log source; --log FOLDER says so explicitly
    if exists:
        _add_path(incident, _checked(path, token), explicit=False)
    elif Path(token).suffix.lower() in {".log", ".jsonl", ".ndjson"} or token.endswith(".log.gz"):
        raise InputError(f"{token}: no such file (named in the text)")


def _below(path: Path, folder: Path) -> bool:
    resolved, base = path.resolve(), folder.resolve()
    return resolved != base and resolved.is_relative_to(base)


def _add_path(incident: Incident, path: Path, *, explicit: bool) -> None:
    if path.is_dir():
        found = sorted(p for p in path.iterdir() if p.is_file() and _log_like(p))
        if explicit and not found:
            raise InputError(f"{path}: folder holds no log files (*.log, *.jsonl, ...)")
        for p in found:
            _append(incident.log_paths, _checked(p, str(p)))
        return
    suffix = path.suffix.lower()
    if suffix in RESULT_SUFFIXES or (suffix == ".json" and _looks_like_results(path)):
        _append(incident.result_paths, path)
    elif explicit or suffix in LOG_SUFFIXES:
        _append(incident.log_paths, path)
    elif suffix in SOURCE_SUFFIXES:
        _append(incident.source_paths, path)


def _checked(path: Path, shown: str) -> Path:
    if not path.exists():
        raise InputError(f"{shown}: no such file or folder")
    if path.is_dir():
        return path.resolve()
    try:
        with path.open("rb") as fh:
            head = fh.read(8192)
    except OSError as exc:
        raise InputError(f"{shown}: cannot read ({exc.strerror})") from None
    if b"\0" in head and not path.name.endswith(".gz"):
        raise InputError(f"{shown}: binary file, not text")
    return path.resolve()


def _log_like(path: Path) -> bool:
    return path.suffix.lower() in LOG_SUFFIXES and not path.name.startswith(".")


def _looks_like_results(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            head = fh.read(4096).lstrip()
    except OSError:
        return False
    return head.startswith(b"{") and any(k in head for k in (b'"testResults"', b'"numFailedTests"', b'"results"'))


def _append(items: list[Path], path: Path) -> None:
    if path not in items:
        items.append(path)


def _dedupe(items: object) -> list[str]:
    out: list[str] = []
    for item in items:  # type: ignore[attr-defined]
        if item and item not in out:
            out.append(item)
    return out


def _read_times(incident: Incident, text: str) -> None:
    if m := _BETWEEN.search(text):
        incident.since, incident.since_time = _when(m.group(1), m.group(2))
        incident.until, incident.until_time = _when(m.group(3), m.group(4))
        return
    if m := _SINCE.search(text):
        incident.since, incident.since_time = _when(m.group(1), m.group(2))
    if m := _UNTIL.search(text):
        incident.until, incident.until_time = _when(m.group(1), m.group(2))
    if m := _LAST.search(text):
        incident.lookback = _duration(int(m.group(1)), m.group(2))
    if incident.since is None and incident.since_time is None and incident.lookback is None:
        if m := _BARE_ISO.search(text):
            incident.since = _iso(m.group(1))


def _when(iso: str | None, tod: str | None) -> tuple[datetime | None, time | None]:
    if iso:
        return _iso(iso), None
    if tod:
        return None, _time_of_day(tod, f"not a time of day: {tod}")
    return None, None


def _time_of_day(text: str, error: str) -> time:
    """HH:MM[:SS], with a one-digit hour allowed (9:30, 9:30:00)."""
    try:
        return time.fromisoformat(re.sub(r"^(\d):", r"0\1:", text.strip()))
    except ValueError:
        raise InputError(error) from None


def _iso(text: str, error: str | None = None) -> datetime:
    try:
        return as_utc(datetime.fromisoformat(text.strip().replace(" ", "T", 1)))
    except ValueError:
        raise InputError(error or f"not a date and time: {text}") from None


def as_utc(ts: datetime) -> datetime:
    """The one rule for times without a zone, the log readers' own (``timestamps.comparable``): UTC."""
    return comparable(ts)


def _duration(n: int, unit: str) -> timedelta:
    u = unit.lower()[0]
    return {"s": timedelta(seconds=n), "m": timedelta(minutes=n), "h": timedelta(hours=n)}.get(u, timedelta(days=n))


def apply_window(incident: Incident, since: str | None, until: str | None) -> None:
    """Apply --since/--until flags (ISO date-time, or HH:MM dated later from the logs) to an incident."""
    for name, value in (("since", since), ("until", until)):
        if value is None:
            continue
        when = parse_when(value, f"--{name}")
        if isinstance(when, datetime):
            setattr(incident, name, when)
        else:
            setattr(incident, f"{name}_time", when)


def parse_when(value: str, flag: str) -> datetime | time:
    """An ISO date-time or a time of day (HH:MM[:SS]); InputError naming the flag otherwise."""
    error = f"{flag} {value!r}: expected an ISO date-time or HH:MM"
    if re.fullmatch(r"\s*\d{1,2}:\d{2}(?::\d{2})?\s*", value):
        return _time_of_day(value, error)
    return _iso(value, error)
