"""Git as a witness: blame, history of files and functions, tags, releases, pickaxe — via the git CLI.

Every call runs ``git`` with an argument list (never a shell), a timeout and an output cap, and
returns a ``GitResult`` (status, output, the exact invocation) instead of raising, so callers and the
model can see what was asked and what went wrong. Parsed helpers return empty lists (or None) on
failure; ``Git.info()`` says why a folder cannot be read (no git, not a repository, shallow...).

Function history (``git log -L :func:file``) uses git's built-in function-header rules for the
languages git knows (Python, Go, Java, Rust, Ruby, PHP, C#...), through an attributes file of our
own with the lowest precedence, so a repository's ``.gitattributes`` still wins.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from .source import definition_regex, function_span

_SEP = "\x1f"
_REC = "\x1e"
_FORMAT = _REC + _SEP.join(["%H", "%s", "%an", "%ae", "%aI", "%P", "%cI"])
MAX_OUTPUT = 4 * 1024 * 1024

_ATTRIBUTES = """\
*.py diff=python
*.go diff=golang
*.java diff=java
*.kt diff=kotlin
*.rs diff=rust
*.rb diff=ruby
*.php diff=php
*.cs diff=csharp
*.c diff=cpp
*.cc diff=cpp
*.cpp diff=cpp
*.h diff=cpp
*.hpp diff=cpp
*.ex diff=elixir
*.exs diff=elixir
*.pl diff=perl
*.sh diff=bash
"""

MANIFESTS = ("pyproject.toml", "setup.cfg", "setup.py", "package.json", "pom.xml", "Cargo.toml",
             "build.gradle", "build.gradle.kts", "gradle.properties", "*.csproj", "*.gemspec", "version.rb",
             "_version.py", "version.py", "VERSION", "version.txt", "Chart.yaml", "mix.exs", "composer.json")
CHANGELOGS = ("CHANGELOG*", "CHANGES*", "HISTORY*", "RELEASE*", "NEWS*")


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
    """Author date."""
    parents: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    committed: datetime | None = None
    """Committer date: when the change landed on the branch (after rebases, cherry-picks)."""
    patch: str = ""
    """The diff, when the call asked for one (function history)."""

    @property
    def short(self) -> str:
        return self.sha[:10]

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1


@dataclass(frozen=True)
class BlameLine:
    line: int
    sha: str
    author: str
    date: datetime
    summary: str
    text: str
    boundary: bool = False
    """The commit is a root, a shallow-clone edge, or the edge of a ``since`` limit (older lines)."""
    path: str = ""
    """The file as it was named in that commit (differs from today's name after a rename)."""


@dataclass(frozen=True)
class Tag:
    name: str
    sha: str
    date: datetime | None


@dataclass(frozen=True)
class RepoInfo:
    """What kind of checkout a folder is; ``status`` says whether git can be asked at all."""

    status: Literal["ok", "not_a_repo", "no_git", "error"]
    message: str = ""
    root: Path | None = None
    head: str | None = None
    """None in a repository without commits."""
    branch: str | None = None
    """None when HEAD is detached."""
    shallow: bool = False
    worktree: bool = False
    """A linked worktree (``.git`` is a file pointing at another repository's git dir)."""
    submodule: bool = False
    superproject: Path | None = None

    @property
    def detached(self) -> bool:
        return self.head is not None and self.branch is None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass(frozen=True)
class Hunk:
    """One hunk of a commit's diff."""

    path: str
    old_start: int
    old_len: int
    new_start: int
    new_len: int
    header: str
    """The function context git printed after ``@@ ... @@``."""
    lines: tuple[str, ...]

    @property
    def added(self) -> list[str]:
        return [row[1:] for row in self.lines if row.startswith("+")]

    @property
    def removed(self) -> list[str]:
        return [row[1:] for row in self.lines if row.startswith("-")]

    @property
    def text(self) -> str:
        head = f"@@ -{self.old_start},{self.old_len} +{self.new_start},{self.new_len} @@ {self.header}".rstrip()
        return "\n".join([f"--- {self.path}", head, *self.lines])


@dataclass(frozen=True)
class FunctionHistory:
    """Commits that changed a function, newest first, and how that was found."""

    commits: list[Commit]
    method: Literal["-L:func", "-L:range", "file", "none"]
    invocation: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class VersionMatch:
    """A version string seen in a log, mapped onto the commit that was released as it."""

    version: str
    sha: str
    source: Literal["tag", "manifest", "changelog", "sha"]
    evidence: str
    """``tag:v1.4.0``, ``pyproject.toml`` (with the bump commit), ``CHANGELOG.md:12`` or ``commit:<sha>``."""
    tag: str | None = None
    date: datetime | None = None


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
        config = ["-c", "core.quotepath=off", "-c", f"core.attributesFile={_attributes_file()}"]
        try:
            proc = subprocess.run([exe, "-C", str(self.root), *config, *args], capture_output=True,
                                  timeout=self.timeout_s, stdin=subprocess.DEVNULL, env=_git_env(), check=False)
        except subprocess.TimeoutExpired:
            return GitResult("timeout", "", invocation, f"git timed out after {self.timeout_s:g}s")
        except OSError as exc:
            return GitResult("unavailable", "", invocation, str(exc))
        out = proc.stdout[:MAX_OUTPUT].decode("utf-8", errors="replace")
        err = proc.stderr[:4096].decode("utf-8", errors="replace").strip()
        status: Literal["ok", "error"] = "ok" if proc.returncode == 0 else "error"
        return GitResult(status, out, invocation, err, len(proc.stdout) > MAX_OUTPUT)

    # -- the repository ------------------------------------------------------------------------

    def info(self) -> RepoInfo:
        """What this checkout is: root, HEAD, branch (None if detached), shallow, worktree, submodule."""
        res = self.run("rev-parse", "--show-toplevel", "--absolute-git-dir", "--git-common-dir",
                       "--is-shallow-repository")
        if res.status in ("unavailable", "timeout"):
            return RepoInfo("no_git" if res.status == "unavailable" else "error", res.stderr)
        if not res.ok:
            return RepoInfo("not_a_repo", f"{self.root} is not inside a git repository")
        rows = res.output.splitlines()
        if len(rows) < 4:
            return RepoInfo("error", f"unexpected rev-parse output: {res.output[:200]!r}")
        root, git_dir, common = Path(rows[0]), Path(rows[1]), Path(rows[2])
        common = common if common.is_absolute() else (self.root / common)
        branch = self.run("symbolic-ref", "-q", "--short", "HEAD")
        sup = self.run("rev-parse", "--show-superproject-working-tree").output.strip()
        return RepoInfo("ok", root=root, head=self.head(), branch=branch.output.strip() if branch.ok else None,
                        shallow=rows[3].strip() == "true", worktree=git_dir.resolve() != common.resolve(),
                        submodule=bool(sup), superproject=Path(sup) if sup else None)

    def shallow_edges(self) -> set[str]:
        """Commits at the edge of a shallow clone (their parents were not fetched)."""
        res = self.run("rev-parse", "--git-path", "shallow")
        if not res.ok:
            return set()
        path = Path(res.output.strip())
        path = path if path.is_absolute() else self.root / path
        try:
            return {row.strip() for row in path.read_text().splitlines() if row.strip()}
        except OSError:
            return set()

    def head(self) -> str | None:
        res = self.run("rev-parse", "--verify", "-q", "HEAD")
        return res.output.strip() if res.ok else None

    def tracked_files(self) -> list[str]:
        res = self.run("ls-files", "-z")
        return [p for p in res.output.split("\0") if p] if res.ok else []

    def read(self, path: str, rev: str = "HEAD") -> list[str] | None:
        """The lines of ``path`` at ``rev`` (None when missing or binary)."""
        res = self.run("show", f"{rev}:{path}")
        if not res.ok or "\0" in res.output[:8192]:
            return None
        return res.output.splitlines()

    # -- history -------------------------------------------------------------------------------

    def commit(self, rev: str) -> Commit | None:
        commits = self._log("-1", "--name-only", rev, "--")
        return commits[0] if commits else None

    def log(self, paths: list[str] | None = None, since: datetime | None = None, until: datetime | None = None,
            max_count: int = 50, *, follow: bool = False, no_merges: bool = False, rev: str = "HEAD") -> list[Commit]:
        """Commits (newest first) touching paths, optionally within a time window.

        Args:
            paths: Limit to these files (all commits when empty).
            since: Oldest commit date to include.
            until: Newest commit date to include.
            max_count: Bound on the number of commits.
            follow: Follow one file across renames (``--follow``; git allows it for a single path).
            no_merges: Leave merge commits out (their branch's commits are listed instead).
            rev: Revision or range to walk (``v1.3.0..v1.4.0``).
        """
        args = [f"--max-count={max_count}", "--name-only"]
        args += ["--follow"] if follow and paths and len(paths) == 1 else []
        args += ["--no-merges"] if no_merges else []
        args += [f"--since={since.isoformat()}"] if since else []
        args += [f"--until={until.isoformat()}"] if until else []
        return self._log(*args, rev, "--", *(paths or []))

    def log_function(self, path: str, function: str, max_count: int = 20) -> list[Commit]:
        """Commits that changed a function (``git log -L :func:path``), newest first."""
        return self.function_history(path, function, max_count=max_count, patches=False).commits

    def function_history(self, path: str, function: str, since: datetime | None = None, max_count: int = 20,
                         patches: bool = True, language: str | None = None) -> FunctionHistory:
        """Commits that changed a function, with the function's part of each diff.

        Tries ``-L :func:path`` (git's function-header rules), then ``-L start,end:path`` over the
        span found by our own definition regex (languages git cannot parse, indented methods), then
        falls back to the file's log (``method == "file"``, no patches).
        """
        limit = [f"--max-count={max_count}"] + ([f"--since={since.isoformat()}"] if since else [])
        shape = [f"--format={_FORMAT}", *([] if patches else ["--no-patch"])]
        res = self.run("log", *limit, *shape, f"-L:\\<{_bre(function)}\\>:{path}")
        if res.ok:
            return FunctionHistory(_parse_log(res.output, patches), "-L:func", res.invocation)
        span = self._span(path, function, language)
        if span is not None:
            res = self.run("log", *limit, *shape, f"-L{span[0]},{span[1]}:{path}")
            if res.ok:
                return FunctionHistory(_parse_log(res.output, patches), "-L:range", res.invocation)
        commits = self.log([path], since=since, max_count=max_count, follow=True)
        return FunctionHistory(commits, "file" if commits else "none", self.calls[-1])

    def pickaxe(self, text: str, max_count: int = 20, *, since: datetime | None = None,
                paths: list[str] | None = None, lines: bool = False) -> list[Commit]:
        """Commits whose diff adds or removes ``text`` (``git log -S``), newest first.

        With ``lines``, commits whose added or removed lines mention ``text`` (``-G``): a value
        change (``TIMEOUT = 30`` -> ``TIMEOUT = 0``) keeps the count of ``TIMEOUT`` and escapes ``-S``.
        """
        args = [f"--max-count={max_count}", "--name-only", f"-G{_bre(text)}" if lines else f"-S{text}"]
        args += [f"--since={since.isoformat()}"] if since else []
        return self._log(*args, "HEAD", "--", *(paths or []))

    def word_changes(self, word: str, max_count: int = 5, paths: list[str] | None = None) -> list[Commit]:
        """Commits whose added or removed lines hold ``word`` as a whole word, newest first.

        Unlike ``-S``, a rename that keeps the word as a substring (``REDIS_URL`` ->
        ``CACHE_REDIS_URL``, ``"Orders"`` -> ``"OrdersDb"``) still shows: the old line had the word.
        """
        bounded = f"(^|[^A-Za-z0-9_]){_ere(word)}([^A-Za-z0-9_]|$)"
        return self._log(f"--max-count={max_count}", "--name-only", f"-G{bounded}", "HEAD", "--", *(paths or []))

    def reverts(self, since: datetime | None = None, max_count: int = 200) -> dict[str, Commit]:
        """Reverted commit sha -> the commit that reverted it (from "This reverts commit <sha>")."""
        args = ["log", f"--max-count={max_count}", "--grep=This reverts commit", f"--format={_FORMAT}%x1f%b"]
        args += [f"--since={since.isoformat()}"] if since else []
        res = self.run(*args, "HEAD")
        out: dict[str, Commit] = {}
        for block in res.output.split(_REC) if res.ok else []:
            commits = _parse_log(_REC + block)
            for target in re.findall(r"This reverts commit ([0-9a-f]{7,40})", block):
                if commits:
                    out[self._full(target)] = commits[0]
        return out

    def renames(self, since: datetime | None = None, max_count: int = 500) -> list[tuple[str, str]]:
        """(old path, new path) of the renames in the window, newest first."""
        args = ["log", f"--max-count={max_count}", "--format=", "--name-status", "-M", "--diff-filter=R"]
        res = self.run(*args, *([f"--since={since.isoformat()}"] if since else []), "HEAD")
        rows = [row.split("\t") for row in res.output.splitlines()] if res.ok else []
        return [(row[1], row[2]) for row in rows if len(row) == 3 and row[0].startswith("R")]

    def merged_by(self, since: datetime | None = None, max_merges: int = 50) -> dict[str, Commit]:
        """Commit sha -> the merge (on the first-parent line) that brought it into HEAD."""
        args = [f"--max-count={max_merges}", "--first-parent", "--merges"]
        args += [f"--since={since.isoformat()}"] if since else []
        out: dict[str, Commit] = {}
        for merge in self._log(*args, "HEAD"):
            if len(merge.parents) < 2:
                continue
            for side in merge.parents[1:]:
                for commit in self._log("--max-count=200", "--no-merges", f"{merge.parents[0]}..{side}"):
                    out.setdefault(commit.sha, merge)
        return out

    # -- lines ---------------------------------------------------------------------------------

    def blame(self, path: str, start: int, end: int) -> list[BlameLine]:
        """Who last changed lines start..end of path (moves and whitespace ignored)."""
        return self.blame_ranges(path, [(start, end)])

    def blame_ranges(self, path: str, ranges: list[tuple[int, int]], since: datetime | None = None,
                     rev: str = "HEAD") -> list[BlameLine]:
        """Blame several line ranges of one file in one call (``-w -M -C``: moves and whitespace ignored).

        With ``since``, lines older than that are attributed to a boundary commit (``boundary=True``)
        and git stops digging: the cost is bounded by the window, not by the file's whole history.
        """
        spans = [f"-L{max(1, a)},{max(a, b)}" for a, b in ranges]
        extra = [f"--since={since.isoformat()}"] if since else []
        res = self.run("blame", "--porcelain", "-w", "-M", "-C", *extra, *spans, rev, "--", path)
        if not res.ok and len(spans) > 1:
            return [b for a, z in ranges for b in self.blame_ranges(path, [(a, z)], since, rev)]
        return _parse_blame(res.output) if res.ok else []

    def show(self, sha: str, paths: list[str] | None = None, max_lines: int = 120) -> GitResult:
        """The commit's diff, limited to paths, cut to max_lines."""
        res = self.run("show", "--format=%H %s", "--unified=3", "-M", sha, "--", *(paths or []))
        lines = res.output.splitlines()
        if len(lines) > max_lines:
            cut = "\n".join(lines[:max_lines]) + f"\n... ({len(lines) - max_lines} more lines)"
            return GitResult(res.status, cut, res.invocation, res.stderr, True)
        return res

    def show_hunks(self, sha: str, paths: list[str] | None = None, *, lines: tuple[int, int] | None = None,
                   contains: str | None = None, max_hunks: int = 5) -> list[Hunk]:
        """The hunks of a commit's diff, limited to paths, to hunks overlapping ``lines`` (new side)
        or mentioning ``contains`` (in the hunk or its function header)."""
        res = self.run("show", "--format=", "--unified=2", "-M", "--first-parent", sha, "--", *(paths or []))
        hunks = parse_hunks(res.output) if res.ok else []
        if lines is not None:
            hunks = [h for h in hunks if h.new_start <= lines[1] and lines[0] <= h.new_start + max(h.new_len, 1) - 1]
        if contains:
            hunks = [h for h in hunks if contains in h.header or any(contains in row for row in h.lines)]
        return hunks[:max_hunks]

    def grep(self, regex: str, max_hits: int = 50, paths: list[str] | None = None) -> list[tuple[str, int, str]]:
        """``git grep -n -P`` (Perl regex) over tracked files at HEAD: (path, line, text)."""
        res = self.run("grep", "-n", "-I", "-P", f"--max-count={max_hits}", "-e", regex, "HEAD", "--", *(paths or []))
        hits: list[tuple[str, int, str]] = []
        for row in res.output.splitlines():
            parts = row.split(":", 3)  # HEAD:path:line:text
            if len(parts) == 4 and parts[2].isdigit():
                hits.append((parts[1], int(parts[2]), parts[3]))
            if len(hits) >= max_hits:
                break
        return hits

    # -- releases ------------------------------------------------------------------------------

    def tags(self) -> list[Tag]:
        """Tags with the commit they point at and their date, oldest first."""
        fmt = _SEP.join(["%(refname:short)", "%(*objectname)", "%(objectname)", "%(creatordate:iso-strict)"])
        res = self.run("for-each-ref", "--sort=creatordate", f"--format={fmt}", "refs/tags")
        out = []
        for row in res.output.splitlines() if res.ok else []:
            name, peeled, obj, date = (row.split(_SEP) + ["", "", "", ""])[:4]
            out.append(Tag(name, peeled or obj, _parse_date(date)))
        return out

    def previous_tag(self, rev: str) -> str | None:
        """The nearest tag strictly before ``rev`` (``git describe --tags --abbrev=0 rev^``)."""
        res = self.run("describe", "--tags", "--abbrev=0", f"{rev}^")
        return res.output.strip() or None if res.ok else None

    def resolve_version(self, marker: str) -> VersionMatch | None:
        """Map a deploy/version marker ("deployed version v2.3.1", ``version=5.2.0``, a sha) to a commit.

        Tags first (``v1.4.0``, ``release-1.4.0``, ``app/v1.4.0``), then the commit that bumped a
        package manifest to that version, then the commit that added the CHANGELOG entry, then a
        commit sha printed in the marker.
        """
        for version in version_candidates(marker):
            found = (self._version_from_tags(version, marker) or self._version_from_manifest(version)
                     or self._version_from_changelog(version))
            if found is not None:
                return found
        for sha in re.findall(r"\b[0-9a-f]{7,40}\b", marker):
            commit = self.commit(f"{sha}^{{commit}}")
            if commit is not None:
                return VersionMatch(sha, commit.sha, "sha", f"commit:{commit.sha}", date=commit.committed)
        return None

    def _version_from_tags(self, version: str, marker: str) -> VersionMatch | None:
        named = [t for t in self.tags() if _tag_version(t.name) == version]
        if not named:
            return None
        # In a monorepo several components share a version: prefer the tag whose prefix the marker names.
        named.sort(key=lambda t: 0 if _in(t.name.rsplit(version, 1)[0].strip("vV/-_@ "), marker) else 1)
        tag = named[0]
        return VersionMatch(version, tag.sha, "tag", f"tag:{tag.name}", tag.name, tag.date)

    def _version_from_manifest(self, version: str) -> VersionMatch | None:
        specs = [f":(glob)**/{name}" for name in MANIFESTS]
        boundary = re.compile(rf"(?<![\w.]){re.escape(version)}(?![\w.])")
        for commit in reversed(self._log("--max-count=20", "--name-only", f"-S{version}", "HEAD", "--", *specs)):
            for hunk in self.show_hunks(commit.sha, specs, contains=version):
                if any(boundary.search(row) and re.search("version", row + hunk.path, re.I) for row in hunk.added):
                    return VersionMatch(version, commit.sha, "manifest", hunk.path, date=commit.committed)
        return None

    def _version_from_changelog(self, version: str) -> VersionMatch | None:
        specs = [f":(glob,icase)**/{name}" for name in CHANGELOGS]
        heading = rf"(?i)^\s*(?:#+|=+|\*|-)?\s*(?:version\s+|release\s+)?\[?v?{re.escape(version)}\]?(?![\w.])"
        for path, line, text in self.grep(heading, max_hits=3, paths=specs):
            added = self._log("--max-count=20", f"-S{text.strip()}", "HEAD", "--", path)
            if added:
                commit = added[-1]  # the oldest commit that changed that heading is the one that wrote it
                return VersionMatch(version, commit.sha, "changelog", f"{path}:{line}", date=commit.committed)
        return None

    # -- helpers -------------------------------------------------------------------------------

    def _span(self, path: str, function: str, language: str | None) -> tuple[int, int] | None:
        hits = self.grep(definition_regex(function, language or _language(path)), max_hits=1, paths=[path])
        lines = self.read(path) if hits else None
        return function_span(lines, hits[0][1]) if lines and hits else None

    def _full(self, sha: str) -> str:
        if len(sha) == 40:
            return sha
        res = self.run("rev-parse", "--verify", "-q", f"{sha}^{{commit}}")
        return res.output.strip() if res.ok else sha

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


def discover(start: Path) -> RepoInfo:
    """Find and describe the repository at or above ``start`` (a folder or a file in it).

    Returns a ``RepoInfo`` whose ``status`` is ``no_git`` when git is not installed and
    ``not_a_repo`` when no repository holds ``start``; never raises.
    """
    folder = start if start.is_dir() else start.parent
    if not folder.exists():
        return RepoInfo("not_a_repo", f"{start} does not exist")
    return Git(folder).info()


_VERSION = re.compile(r"(?<![\w.])(?:[A-Za-z][\w-]*[-/@])?[vV]?(\d+\.\d+(?:\.\d+)?(?:[-+][0-9A-Za-z][0-9A-Za-z.-]*)?)(?![\w.])")
_VERSION_CUE = re.compile(r"version|release|deploy|rollout|tag|build|start|serving|running|upgrad|rev", re.I)


def version_candidates(text: str) -> list[str]:
    """Version strings in a marker, best first (those right after a cue word like "version")."""
    found: list[tuple[int, str]] = []
    for m in _VERSION.finditer(text):
        before = text[max(0, m.start() - 24) : m.start()]
        cue = 0 if _VERSION_CUE.search(before) or m.group(0)[:1] in "vV" else 1
        if not re.fullmatch(r"\d+\.\d+", m.group(1)) or cue == 0:  # a bare "2.5" is rarely a version
            found.append((cue, m.group(1)))
    return list(dict.fromkeys(v for _, v in sorted(found, key=lambda f: f[0])))


def _in(word: str, text: str) -> bool:
    return bool(word) and word.lower() in text.lower()


def _tag_version(name: str) -> str | None:
    m = _VERSION.search(name.rsplit("/", 1)[-1]) or _VERSION.search(name)
    return m.group(1) if m else None


def parse_hunks(diff: str) -> list[Hunk]:
    """The hunks of a unified diff (``git show``/``git log -p`` output)."""
    hunks: list[Hunk] = []
    path, head, rows = "", None, []  # type: ignore[var-annotated]
    for row in diff.splitlines():
        if row.startswith("+++ "):
            path = row[6:] if row.startswith("+++ b/") else row[4:]
        elif row.startswith("@@"):
            if head is not None:
                hunks.append(Hunk(path, *head, tuple(rows)))
            head, rows = _hunk_head(row), []
        elif head is not None and row[:1] in ("+", "-", " ") and not row.startswith(("--- ", "+++ ")):
            rows.append(row)
        elif row.startswith("diff --git") and head is not None:
            hunks.append(Hunk(path, *head, tuple(rows)))
            head, rows = None, []
    if head is not None:
        hunks.append(Hunk(path, *head, tuple(rows)))
    return hunks


def _hunk_head(row: str) -> tuple[int, int, int, int, str]:
    m = re.match(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)", row)
    if not m:
        return 0, 0, 0, 0, ""
    return int(m[1]), int(m[2] or 1), int(m[3]), int(m[4] or 1), m[5]


def _language(path: str) -> str | None:
    ext = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    return {"py": "python", "js": "javascript", "ts": "javascript", "mjs": "javascript", "jsx": "javascript",
            "tsx": "javascript", "go": "go", "rb": "ruby", "java": "jvm", "kt": "jvm", "scala": "jvm",
            "cs": "dotnet", "php": "php", "rs": "rust"}.get(ext)


def _ere(text: str) -> str:
    """Escape text for a POSIX extended regex (what ``-G`` takes)."""
    return re.sub(r"([.\[\]*^$\\+?(){}|])", r"\\\1", text)


def _bre(text: str) -> str:
    """Escape text for a POSIX basic regex (what ``-L :funcname:`` takes)."""
    return re.sub(r"([.\[\]*^$\\])", r"\\\1", text)


def _attributes_file() -> str:
    """Our attributes file (content-addressed in the temp dir, written once, atomically)."""
    digest = hashlib.sha1(_ATTRIBUTES.encode()).hexdigest()[:12]
    path = Path(tempfile.gettempdir()) / f"fivewhys-gitattributes-{digest}"
    if not path.exists():
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, prefix=".fivewhys-") as fh:
            fh.write(_ATTRIBUTES)
        os.replace(fh.name, path)
    return str(path)


def _git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({"GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "LC_ALL": "C"})
    return env


def _parse_date(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        return None


def _parse_log(output: str, patches: bool = False) -> list[Commit]:
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
        if patches:
            files = tuple(dict.fromkeys(h.path for h in parse_hunks(rest)))
        committed = _parse_date(parts[6]) if len(parts) > 6 else None
        commits.append(Commit(parts[0], parts[1], parts[2], parts[3], date, tuple(parts[5].split()), files,
                              committed, rest if patches else ""))
    return commits


def _parse_blame(output: str) -> list[BlameLine]:
    info: dict[str, dict[str, str]] = {}
    lines: list[BlameLine] = []
    current: dict[str, str] = {}
    sha, final_line = "", 0
    for row in output.splitlines():
        if row.startswith("\t"):
            meta = info.setdefault(sha, current)
            when = datetime.fromtimestamp(int(meta.get("author-time", "0"))).astimezone()
            lines.append(BlameLine(final_line, sha, meta.get("author", ""), when, meta.get("summary", ""), row[1:],
                                   "boundary" in meta, meta.get("filename", "")))
            current = {}
            continue
        parts = row.split(" ")
        if len(parts[0]) == 40 and len(parts) >= 3 and parts[1].isdigit():
            sha, final_line = parts[0], int(parts[2])
            current = dict(info.get(sha, {}))
        elif parts:
            current[parts[0]] = row[len(parts[0]) + 1:]
    return lines
