"""Helpers the case builders share: git repos with fixed identities and dates, logs, result files.

Every case's ``build.py`` defines ``build(dest: Path) -> None`` and ends with
``if __name__ == "__main__": fixtures.cli(build)``, so a case can be built by hand::

    python evals/cases/01_python_price_cache/build.py /tmp/case01

Commits carry fixed author/committer names, e-mails and dates and git runs with no user or system
config, so every SHA is the same on every machine.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

UTC = timezone.utc


def write(root: Path, rel: str, text: str) -> Path:
    """Write ``text`` to ``root/rel``, creating folders."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


class Repo:
    """A git repository whose commits have fixed identities and dates (stable SHAs)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        self.env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        """Run git in the repo (no shell) and return its stdout."""
        out = subprocess.run(["git", *args], cwd=self.root, env=env or self.env, check=True,
                             capture_output=True, text=True)
        return out.stdout.strip()

    def _identity(self, author: str, date: str) -> dict[str, str]:
        email = author.split()[0].lower() + "@example.com"
        return dict(self.env, GIT_AUTHOR_NAME=author, GIT_AUTHOR_EMAIL=email, GIT_AUTHOR_DATE=date,
                    GIT_COMMITTER_NAME=author, GIT_COMMITTER_EMAIL=email, GIT_COMMITTER_DATE=date)

    def commit(self, author: str, date: str, subject: str, files: dict[str, str | None]) -> str:
        """Write (or, for a None value, delete) files and commit them; returns the full SHA."""
        for rel, text in files.items():
            if text is None:
                (self.root / rel).unlink()
            else:
                write(self.root, rel, text)
        env = self._identity(author, date)
        self.git("add", "-A", env=env)
        self.git("commit", "-q", "-m", subject, env=env)
        return self.git("rev-parse", "HEAD")

    def tag(self, name: str, date: str, author: str = "Release Bot") -> None:
        """An annotated release tag at HEAD."""
        self.git("tag", "-a", name, "-m", f"Release {name}", env=self._identity(author, date))


def history(root: Path, commits: Iterable[tuple[str, str, str, dict[str, str | None]]]) -> Repo:
    """A repo at ``root`` with the given (author, ISO date, subject, files) commits, oldest first."""
    repo = Repo(root)
    for author, date, subject, files in commits:
        repo.commit(author, date, subject, files)
    return repo


def line_of(text: str, needle: str) -> int:
    """1-based number of the first line of ``text`` containing ``needle`` (traces cite real lines)."""
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    raise ValueError(f"{needle!r} is not in the text")


def at(stamp: str) -> datetime:
    """An aware UTC datetime from ``YYYY-MM-DDTHH:MM[:SS]``."""
    return datetime.fromisoformat(stamp).replace(tzinfo=UTC)


def every(start: datetime, count: int, step_s: float) -> list[datetime]:
    """``count`` times, ``step_s`` seconds apart, from ``start``."""
    return [start + timedelta(seconds=i * step_s) for i in range(count)]


@dataclass
class Log:
    """Log records collected out of order, written sorted by time."""

    records: list[tuple[datetime, str]] = field(default_factory=list)

    def add(self, ts: datetime, line: str) -> None:
        """A pre-formatted line."""
        self.records.append((ts, line))

    def json(self, ts: datetime, level: str, message: str, **fields: object) -> None:
        """A JSON-lines record (timestamp, level, message, then the extra fields)."""
        stamp = ts.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        self.add(ts, json.dumps({"timestamp": stamp, "level": level, "message": message, **fields}))

    def text(self, ts: datetime, level: str, logger: str, message: str) -> None:
        """A plain ``2026-11-27T11:27:01.123Z ERROR [logger] message`` line; extra lines may follow."""
        stamp = ts.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        self.add(ts, f"{stamp} {level:<5} [{logger}] {message}")

    def save(self, root: Path, rel: str) -> Path:
        """Write the records, sorted by time (stable), one per line."""
        lines = [line for _, line in sorted(self.records, key=lambda r: r[0])]
        return write(root, rel, "\n".join(lines) + "\n")


@dataclass
class TestCase:
    """One ``<testcase>`` of a JUnit XML report; ``failure`` is (message, text) when it failed."""

    __test__ = False  # not a pytest class

    classname: str
    name: str
    time_s: float = 0.01
    failure: tuple[str, str] | None = None


def junit(root: Path, rel: str, suite: str, cases: list[TestCase], timestamp: str) -> Path:
    """A pytest-style JUnit XML report."""
    failures = sum(1 for c in cases if c.failure)
    total = sum(c.time_s for c in cases)
    body = [f'<?xml version="1.0" encoding="utf-8"?>\n<testsuites>'
            f'<testsuite name={quoteattr(suite)} errors="0" failures="{failures}" skipped="0" '
            f'tests="{len(cases)}" time="{total:.3f}" timestamp="{timestamp}" hostname="ci-runner-7">']
    for c in cases:
        head = f"<testcase classname={quoteattr(c.classname)} name={quoteattr(c.name)} time=\"{c.time_s:.3f}\""
        if c.failure is None:
            body.append(head + " />")
        else:
            message, text = c.failure
            body.append(f"{head}><failure message={quoteattr(message)}>{escape(text)}</failure></testcase>")
    body.append("</testsuite></testsuites>\n")
    return write(root, rel, "\n".join(body))


def cli(build: Callable[[Path], None]) -> None:
    """``python build.py DEST``: build a case's fixture into DEST (replaced if it exists)."""
    if len(sys.argv) != 2:
        print(f"usage: {sys.argv[0]} DEST", file=sys.stderr)
        raise SystemExit(2)
    dest = Path(sys.argv[1])
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    build(dest)
    print(dest)
