"""The line of a raw CI log that explains why the job failed — not merely its last line.

Used when a job died before writing results (build error, dependency resolution, OOM kill, timeout,
setup step). Each rule is a regex with a kind and a priority; the best-priority rule that matches
wins, and within a rule the first match (or the last, for retried steps whose final attempt is the
one that counted). GitHub's timestamps and ANSI colours are stripped before matching. When no rule
matches, the first line of the paragraph just before "Process completed with exit code N" is used:
that is where a script prints its own explanation before ``exit 1``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .model import LogCause

MAX_LOG_BYTES = 64 * 1024 * 1024
_STAMP = re.compile(r"^\ufeff?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ?")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_EXIT = re.compile(r"^##\[error\]Process completed with exit code \d+")
_NOISE = re.compile(r"^(?:##\[(?:group|endgroup|warning|notice)\]|\+ |Got exit code|\s*$)")


@dataclass(frozen=True)
class Rule:
    kind: str
    pattern: re.Pattern[str]
    priority: int
    last: bool = False


def _r(kind: str, pattern: str, priority: int, last: bool = False) -> Rule:
    return Rule(kind, re.compile(pattern), priority, last)


RULES: tuple[Rule, ...] = (
    _r("timeout", r"^##\[error\]The (?:action|job|operation) .*(?:has timed out|was canceled|exceeded)", 100),
    _r("test_failure", r"^FAILED CONSISTENTLY: ", 95),
    _r("compile_error", r"^\S+?:\d+:(?:\d+:)? (?:fatal )?error\b", 92),
    _r("compile_error", r"^error(?:\[E\d+\])?: (?!could not compile)", 91),
    _r("timeout", r"Command took >\s*\d+\s*\w+, returning", 84),
    _r("oom", r"OOMKilled|Out of memory: Killed process|exit code 137|Killed signal terminated", 89),
    _r("infrastructure", r"Error response from daemon: ", 87, last=True),
    _r("infrastructure", r"^##\[error\](?!Process completed with exit code|Executing the custom container)", 86),
    _r("test_failure", r"^FAILED (?:\[[\d.]+m?s\] )?\S+::\S+", 85),
    _r("test_failure", r"^_{3,} \S.* _{3,}$", 84),
    _r("dependency", r"npm ERR! |ERESOLVE|No matching distribution found|Could not resolve dependencies"
                     r"|Could not find artifact|go: .*: (?:missing|unknown revision)|version solving failed", 83),
    _r("build_error", r"^\[ERROR\] |BUILD FAILED|BUILD FAILURE|FAILURE: Build failed", 82),
    _r("python_exception", r"^(?:[A-Za-z_][\w.]*\.)?[A-Z]\w*(?:Error|Exception|Exit|Interrupt): ", 75),
    _r("panic", r"^panic: |^thread '.*' panicked at ", 74),
)


def clean_line(line: str) -> str:
    """A log line without the GitHub timestamp and ANSI colour codes."""
    return _ANSI.sub("", _STAMP.sub("", line.rstrip("\r\n")))


def find_cause(lines: list[str], path: str = "") -> LogCause | None:
    """The line that explains the failure in already-cleaned log lines, or None for a clean log."""
    best: tuple[int, int, Rule] | None = None  # (priority, index, rule)
    after_failures = _pytest_failures_start(lines)
    for index, line in enumerate(lines):
        for rule in RULES:
            if rule.pattern.search(line) is None:
                continue
            if rule.pattern.pattern.startswith("^_{3,}") and index not in after_failures:
                continue
            if best is None or rule.priority > best[0] or (rule is best[2] and rule.last):
                best = (rule.priority, index, rule)
            break
    if best is None:
        fallback = _before_exit(lines)
        return None if fallback is None else _cause(lines, fallback, "script_exit", path)
    return _cause(lines, best[1], best[2].kind, path)


def _pytest_failures_start(lines: list[str]) -> set[int]:
    """Indices of the first section header after each pytest ``= FAILURES =`` banner."""
    starts = set()
    for index, line in enumerate(lines):
        if re.match(r"^=+ (?:FAILURES|ERRORS) =+$", line.strip()):
            starts.update({index + 1, index + 2})
    return starts


def _before_exit(lines: list[str]) -> int | None:
    """First line of the paragraph right before the first "Process completed with exit code"."""
    exit_at = next((i for i, line in enumerate(lines) if _EXIT.match(line)), None)
    if exit_at is None:
        return None
    end = exit_at - 1
    while end >= 0 and not lines[end].strip():
        end -= 1
    start = end
    while start > 0 and lines[start - 1].strip() and not _NOISE.match(lines[start - 1]):
        start -= 1
    return start if end >= 0 else exit_at


def _cause(lines: list[str], index: int, kind: str, path: str) -> LogCause:
    context = [line[:300] for line in lines[max(index - 3, 0): index + 6]]
    return LogCause(path=path, line=index + 1, text=lines[index][:1000], kind=kind, context=context)


def analyze_log(path: Path) -> LogCause | None:
    """Read a raw log (the first 64 MiB) and find its cause line."""
    with path.open("rb") as fh:
        data = fh.read(MAX_LOG_BYTES)
    text = data.decode("utf-8", errors="replace")
    return find_cause([clean_line(line) for line in text.splitlines()], str(path))
