"""CTRF (Common Test Report Format) JSON: ``results.tests[]`` with status passed/failed/skipped/
pending/other, ``flaky`` and ``retries``; ``results.summary`` is the header."""

from __future__ import annotations

from typing import Any

from ..model import Counts, FileResult, Status, TestCase
from ._common import check_header, cut, first_line

_STATUS: dict[str, Status] = {"passed": "passed", "failed": "failed", "skipped": "skipped",
                              "pending": "skipped", "other": "skipped"}


def parse(data: dict[str, Any], result: FileResult) -> None:
    """Fill result from a parsed CTRF report."""
    results = data.get("results") or {}
    for test in results.get("tests") or []:
        result.cases.append(_case(test, result.path))
    summary = results.get("summary") or {}
    if isinstance(summary.get("tests"), int):
        skipped = sum(int(summary.get(k) or 0) for k in ("skipped", "pending", "other"))
        header = Counts(tests=summary["tests"], passed=int(summary.get("passed") or 0),
                        failed=int(summary.get("failed") or 0), skipped=skipped)
        check_header(result, header, {"tests", "passed", "failed", "skipped"})


def _case(test: dict[str, Any], source: str) -> TestCase:
    message = str(test.get("message") or "")
    trace = str(test.get("trace") or "")
    status = _STATUS.get(str(test.get("status")), "failed")
    return TestCase(name=str(test.get("name") or ""), classname=str(test.get("suite") or ""),
                    file=test.get("filePath"), line=test.get("line") if isinstance(test.get("line"), int) else None,
                    status=status, message=first_line(message), text=cut(f"{message}\n{trace}".strip()),
                    flaky=bool(test.get("flaky")) and status == "passed",
                    duration=_seconds(test.get("duration")), source=source)


def _seconds(ms: object) -> float | None:
    return ms / 1000 if isinstance(ms, int | float) else None
