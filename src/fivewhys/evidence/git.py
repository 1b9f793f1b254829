"""Git as a witness: blame, history of files and functions, tags, pickaxe — via the git CLI.

Every call runs ``git`` with an argument list (never a shell), a timeout and an output cap, and
returns a ``GitResult`` (status, output, the exact invocation) instead of raising, so callers and the
model can see what was asked and what went wrong. Parsed helpers return empty lists on failure.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

_SEP = "\x1f"
_REC = "\x1e"
_FORMAT = _REC + _SEP.join(["%H", "%s", "%an", "%ae", "%aI", "%P"])
MAX_OUTPUT = 4 * 1024 * 1024


@dataclass(frozen=True)
class GitResult:
    """What one git call returned."""

    status: Literal["ok", "error", "timeout", "unavailable"]
    output: str
    invocation: list[str]
    stderr: str = ""
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass(frozen=True)
class Commit:
    sha: str
    subject: str
    author: str
    email: str
    date: datetime
    parents: tuple[str, ...] = ()
    files: tuple[str, ...] = ()

    @property
    def short(self) -> str:
        return self.sha[:10]


@dataclass(frozen=True)
class BlameLine:
    line: int
    sha: str
    author: str
    date: datetime
    summary: str
    text: str


@dataclass(frozen=True)
class Tag:
    name: str
    sha: str
    date: datetime | None


@dataclass
class Git:
    """A repository, queried read-only through the git CLI."""

    root: Path
    timeout_s: float = 20.0
    calls: list[list[str]] = field(default_factory=list)

    def run(self, *args: str) -> GitResult:
        """Run ``git -C root ARGS`` with a timeout and an output cap."""
        exe = shutil.which("git")
        invocation = ["git", "-C", str(self.root), *args]
        self.calls.append(invocation)
        if exe is None:
            return GitResult("unavailable", "", invocation, "git is not installed")
        try:
            proc = subprocess.run(
                [exe, "-C", str(self.root), "-c", "core.quotepath=off", *args],
                capture_output=True,
                timeout=self.timeout_s,
                stdin=subprocess.DEVNULL,
                env=_git_env(),
                check=False,
            )
        except subprocess.TimeoutExpired:
            return GitResult("timeout", "", invocation, f"git timed out after {self.timeout_s:g}s")
        except OSError as exc:
            return GitResult("unavailable", "", invocation, str(exc))
        out = proc.stdout[:MAX_OUTPUT].decode("utf-8", errors="replace")
        err = proc.stderr[:4096].decode("utf-8", errors="replace").strip()
        status: Literal["ok", "error"] = "ok" if proc.returncode == 0 else "error"
        return GitResult(status, out, invocation, err, len(proc.stdout) > MAX_OUTPUT)

    def head(self) -> str | None:
        res = self.run("rev-parse", "HEAD")
        return res.output.strip() if res.ok else None

    def tracked_files(self) -> list[str]:
        res = self.run("ls-files", "-z")
        return [p for p in res.output.split("\0") if p] if res.ok else []

    def commit(self, rev: str) -> Commit | None:
        commits = self._log("-1", "--name-only", rev, "--")
        return commits[0] if commits else None

    def log(
        self,
        paths: list[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        max_count: int = 50,
    ) -> list[Commit]:
        """Commits (newest first) touching paths, optionally within a time window."""
        args = [f"--max-count={max_count}", "--name-only"]
        if since:
            args.append(f"--since={since.isoformat()}")
        if until:
            args.append(f"--until={until.isoformat()}")
        return self._log(*args, "HEAD", "--", *(paths or []))

    def log_function(self, path: str, function: str, max_count: int = 20) -> list[Commit]:
        """Commits that changed a function (``git log -L :func:path``), newest first."""
        res = self.run("log", f"--max-count={max_count}", f"--format={_FORMAT}", "--no-patch",
                       f"-L:{function}:{path}")
        if not res.ok:
            return []
        return _parse_log(res.output)

    def pickaxe(self, text: str, max_count: int = 20) -> list[Commit]:
        """Commits whose diff adds or removes ``text`` (``git log -S``), newest first."""
        return self._log(f"--max-count={max_count}", "--name-only", f"-S{text}", "HEAD", "--")

    def blame(self, path: str, start: int, end: int) -> list[BlameLine]:
        """Who last changed lines start..end of path (moves and whitespace ignored)."""
        res = self.run("blame", "--porcelain", "-w", "-M", "-C", f"-L{start},{end}", "HEAD", "--", path)
        return _parse_blame(res.output) if res.ok else []

    def show(self, sha: str, paths: list[str] | None = None, max_lines: int = 120) -> GitResult:
        """The commit's diff, limited to paths, cut to max_lines."""
        res = self.run("show", "--format=%H %s", "--unified=3", sha, "--", *(paths or []))
        lines = res.output.splitlines()
        if len(lines) > max_lines:
            cut = "\n".join(lines[:max_lines]) + f"\n... ({len(lines) - max_lines} more lines)"
            return GitResult(res.status, cut, res.invocation, res.stderr, True)
        return res

    def grep(self, regex: str, max_hits: int = 50) -> list[tuple[str, int, str]]:
        """``git grep -n -P`` (Perl regex) over tracked files at HEAD: (path, line, text)."""
        res = self.run("grep", "-n", "-I", "-P", "-e", regex, "HEAD", "--")
        hits: list[tuple[str, int, str]] = []
        for row in res.output.splitlines():
            parts = row.split(":", 3)  # HEAD:path:line:text
            if len(parts) == 4 and parts[2].isdigit():
                hits.append((parts[1], int(parts[2]), parts[3]))
            if len(hits) >= max_hits:
                break
        return hits

    def tags(self) -> list[Tag]:
        """Tags with the commit they point at and their date, oldest first."""
        fmt = _SEP.join(["%(refname:short)", "%(*objectname)", "%(objectname)", "%(creatordate:iso-strict)"])
        res = self.run("for-each-ref", "--sort=creatordate", f"--format={fmt}", "refs/tags")
        out = []
        for row in res.output.splitlines():
            name, peeled, obj, date = (row.split(_SEP) + ["", "", "", ""])[:4]
            out.append(Tag(name, peeled or obj, _parse_date(date)))
        return out

    def _log(self, *args: str) -> list[Commit]:
        res = self.run("log", f"--format={_FORMAT}", *args)
        return _parse_log(res.output) if res.ok else []


def find_repo_root(start: Path) -> Path | None:
    """The nearest folder at or above start holding ``.git`` (a folder, or a file for worktrees)."""
    current = start.resolve()
    if current.is_file():
        current = current.parent
    for folder in (current, *current.parents):
        if (folder / ".git").exists():
            return folder
    return None


def _git_env() -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({"GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "LC_ALL": "C"})
    return env


def _parse_date(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        return None


def _parse_log(output: str) -> list[Commit]:
    commits = []
    for block in output.split(_REC):
        if not block.strip():
            continue
        head, _, rest = block.partition("\n")
        parts = head.split(_SEP)
        if len(parts) < 6 or len(parts[0]) < 40:
            continue
        date = _parse_date(parts[4])
        if date is None:
            continue
        files = tuple(f for f in rest.splitlines() if f.strip() and not f.startswith(("diff ", "@@", "+", "-", " ")))
        commits.append(Commit(parts[0], parts[1], parts[2], parts[3], date, tuple(parts[5].split()), files))
    return commits


def _parse_blame(output: str) -> list[BlameLine]:
    info: dict[str, dict[str, str]] = {}
    lines: list[BlameLine] = []
    current: dict[str, str] = {}
    sha, final_line = "", 0
    for row in output.splitlines():
        if row.startswith("\t"):
            meta = info.setdefault(sha, current)
            stamp = int(meta.get("author-time", "0"))
            when = datetime.fromtimestamp(stamp).astimezone()
            lines.append(BlameLine(final_line, sha, meta.get("author", ""), when, meta.get("summary", ""), row[1:]))
            current = {}
            continue
        parts = row.split(" ")
        if len(parts[0]) == 40 and len(parts) >= 3 and parts[1].isdigit():
            sha, final_line = parts[0], int(parts[2])
            current = dict(info.get(sha, {}))
        elif parts:
            current[parts[0]] = row[len(parts[0]) + 1:]
    return lines
