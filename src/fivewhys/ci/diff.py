"""Ties to the change under test: the files (and lines) changed since the merge base with the base.

The base is ``--base REF``, else ``GITHUB_BASE_REF`` (a pull request), else the remote's default
branch when git can name it. Everything goes through the git CLI (``evidence.git.Git``: no shell,
timeouts); when git cannot answer, the result says why and groups stay unmarked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..evidence.git import Git
from .model import BaseInfo, Group, TestCase

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


@dataclass
class Change:
    """What changed between the merge base and HEAD."""

    info: BaseInfo
    files: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    """Changed path -> changed line ranges (new side, inclusive)."""


def resolve_base(git: Git, base: str | None, github_base_ref: str | None) -> str | None:
    """The ref to compare with: explicit, the PR base, or the remote default branch."""
    candidates = [base] if base else []
    if not base and github_base_ref:
        candidates += [f"origin/{github_base_ref}", github_base_ref]
    if not base and not github_base_ref:
        head = git.run("symbolic-ref", "--quiet", "refs/remotes/origin/HEAD")
        candidates += [head.output.strip()] if head.ok and head.output.strip() else []
        candidates += ["origin/main", "origin/master"]
    for ref in candidates:
        if git.run("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").ok:
            return ref
    return None


def changes(repo: Path, base: str | None, github_base_ref: str | None) -> Change:
    """Files and hunks changed since the merge base of HEAD with the base ref."""
    git = Git(repo)
    ref = resolve_base(git, base, github_base_ref)
    if ref is None:
        note = f"base {base!r} not found" if base else "no base ref (use --base REF)"
        return Change(BaseInfo(ref=base, note=note))
    merge = git.run("merge-base", ref, "HEAD")
    if not merge.ok:
        return Change(BaseInfo(ref=ref, note=f"no merge base with {ref}: {merge.stderr[:200]}"))
    sha = merge.output.strip()
    diff = git.run("diff", "--no-color", "--no-ext-diff", "-U0", sha, "HEAD")
    files = _parse_diff(diff.output)
    return Change(BaseInfo(ref=ref, merge_base=sha, changed_files=len(files)), files)


def _parse_diff(output: str) -> dict[str, list[tuple[int, int]]]:
    files: dict[str, list[tuple[int, int]]] = {}
    current: str | None = None
    for line in output.splitlines():
        if line.startswith("+++ "):
            current = None if line[4:] == "/dev/null" else line[4:].removeprefix("b/")
            if current:
                files.setdefault(current, [])
        elif current and (m := _HUNK.match(line)):
            start, count = int(m.group(1)), int(m.group(2) or "1")
            files[current].append((start, start + max(count, 1) - 1))
    return files


def mark(groups: list[Group], members: dict[str, list[TestCase]], change: Change) -> None:
    """Mark groups whose frames or test files touch the diff; the rest look pre-existing or flaky."""
    if change.info.merge_base is None:
        return
    for group in groups:
        touched = sorted({path for path in change.files if _touches(path, group, members.get(group.id, []))})
        group.touches_change = bool(touched)
        group.changed_files = touched[:20]
        group.likely = "regression" if touched else "pre-existing-or-flaky"


def _touches(path: str, group: Group, cases: list[TestCase]) -> bool:
    names = [f.file for f in group.frames] + [c.file for c in cases if c.file]
    names += [c.classname.replace(".", "/") for c in cases if c.classname]
    return any(_same_file(path, name) for name in names if name)


def _same_file(repo_path: str, printed: str) -> bool:
    """A printed path (absolute, deployed, or a dotted class) names a repo file by suffix."""
    printed = printed.replace("\\", "/").lstrip("./")
    if repo_path == printed or repo_path.endswith("/" + printed) or printed.endswith("/" + repo_path):
        return True
    stem = repo_path.rsplit(".", 1)[0]
    return bool(printed) and (stem.endswith("/" + printed) or stem == printed)
