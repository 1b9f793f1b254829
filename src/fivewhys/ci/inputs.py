"""From command-line arguments to parsed inputs: expand paths, globs and folders; detect; read.

Every file yields a ``FileResult``: test cases, or a raw-log cause, or a finding saying why it could
not be used (empty, binary, unreadable, malformed, hostile). Nothing here raises for a bad file.
"""

from __future__ import annotations

import glob
from pathlib import Path

from .detect import detect
from .formats import FORMATS
from .model import FileResult, Finding
from .rawlog import analyze_log
from .results import read_results

RESULT_SUFFIXES = (".xml", ".trx", ".json", ".jsonl", ".tap", ".out", ".txt", ".log", ".golden")
_XML_SUFFIXES = (".xml", ".trx", ".golden")


def expand(args: list[str]) -> tuple[list[Path], list[str]]:
    """Files named by args (paths, globs, folders searched recursively), and args that matched none."""
    files: list[Path] = []
    missing: list[str] = []
    for arg in args:
        found = _expand_one(arg)
        if not found:
            missing.append(arg)
        files.extend(p for p in found if p not in files)
    return files, missing


def _expand_one(arg: str) -> list[Path]:
    path = Path(arg)
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in RESULT_SUFFIXES)
    matches = sorted(Path(m) for m in glob.glob(arg, recursive=True))
    return [m for m in matches if m.is_file()]


def load(path: Path, override: str | None = None) -> FileResult:
    """Read one file as results (or as a raw log when it is not a results format)."""
    problem = _unusable(path)
    if problem is not None:
        return FileResult(path=str(path), format="?", findings=[problem])
    fmt = override or _format(path)
    if fmt == "log":
        return _log(path)
    return read_results(path, fmt)


def _format(path: Path) -> str:
    fmt = detect(path)
    # A .xml that does not start like XML is broken XML (say so), not a log to mine.
    if fmt in ("log", "tap", "gotext") and path.suffix.lower() in _XML_SUFFIXES:
        return "junit"
    if fmt in ("log", "tap", "gotext") and path.suffix.lower() == ".json":
        return "unknown-json"
    return fmt


def _unusable(path: Path) -> Finding | None:
    try:
        with path.open("rb") as fh:
            head = fh.read(8192)
    except OSError as exc:
        return Finding(kind="unreadable", path=str(path), severity="error",
                       message=f"cannot read the file: {exc.strerror or exc}")
    if not head.strip():
        return Finding(kind="unreadable", path=str(path), severity="error", message="the file is empty")
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Finding(kind="unreadable", path=str(path), severity="error",
                       message="binary data, not a test results file or a log")
    return None


def _log(path: Path) -> FileResult:
    result = FileResult(path=str(path), format="log")
    cause = analyze_log(path)
    if cause is None:
        result.findings.append(Finding(kind="no_results", path=str(path), severity="notice",
                                       message="a log with no test results and no recognisable failure line"))
    else:
        result.log_causes.append(cause)
    return result


__all__ = ["FORMATS", "expand", "load"]
