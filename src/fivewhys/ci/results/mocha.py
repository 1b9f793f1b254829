"""Mocha's ``json`` reporter: ``stats`` + ``tests``/``passes``/``failures``/``pending``.

A failure whose error names a type other than an assertion (``err.name``) is an error; a failure in
a hook (``"before all" hook``) is listed only under ``failures`` and becomes an error case too.
"""

from __future__ import annotations

from typing import Any

from ..model import Counts, FileResult, Status, TestCase
from ._common import check_header, cut, first_line


def parse(data: dict[str, Any], result: FileResult) -> None:
    """Fill result from a parsed Mocha JSON report."""
    pending = {_key(t) for t in data.get("pending") or []}
    listed = set()
    for test in data.get("tests") or []:
        listed.add(_key(test))
        result.cases.append(_case(test, _status(test, pending), result.path))
    for test in data.get("failures") or []:
        if _key(test) not in listed:  # hook failures are not in "tests"
            result.cases.append(_case(test, "error", result.path))
    stats = data.get("stats") or {}
    if isinstance(stats.get("tests"), int):
        header = Counts(tests=stats["tests"], passed=stats.get("passes", 0), skipped=stats.get("pending", 0))
        check_header(result, header, {"tests", "passed", "skipped"})


def _key(test: dict[str, Any]) -> tuple[str, str]:
    return (str(test.get("fullTitle") or test.get("title")), str(test.get("file")))


def _status(test: dict[str, Any], pending: set[tuple[str, str]]) -> Status:
    if _key(test) in pending or test.get("pending"):
        return "skipped"
    err = test.get("err") or {}
    if not err:
        return "passed"
    name = str(err.get("name") or "")
    return "error" if name and "Assertion" not in name else "failed"


def _case(test: dict[str, Any], status: Status, source: str) -> TestCase:
    err = test.get("err") or {}
    text = cut(str(err.get("stack") or err.get("message") or ""))
    full = str(test.get("fullTitle") or "")
    title = str(test.get("title") or full)
    return TestCase(name=title, classname=full[: -len(title)].strip() if full.endswith(title) else "",
                    file=test.get("file"), status=status,
                    message=first_line(str(err.get("message") or text)), type=str(err.get("name") or ""),
                    text=text, duration=_seconds(test.get("duration")), source=source)


def _seconds(ms: object) -> float | None:
    return ms / 1000 if isinstance(ms, int | float) else None
