"""Jest ``--json`` output: ``testResults[].assertionResults[]``; a suite that failed to run (no
assertions, a ``failureMessage``) becomes one error test case named after the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..model import Counts, FileResult, Status, TestCase
from ._common import check_header, cut, first_line

_STATUS: dict[str, Status] = {"passed": "passed", "failed": "failed", "pending": "skipped",
                              "skipped": "skipped", "todo": "skipped", "disabled": "skipped",
                              "focused": "passed"}


def parse(data: dict[str, Any], result: FileResult) -> None:
    """Fill result from a parsed Jest JSON report."""
    for suite in data.get("testResults") or []:
        file = suite.get("name") or suite.get("testFilePath") or ""
        assertions = suite.get("assertionResults") or []
        for item in assertions:
            result.cases.append(_case(item, file, result.path))
        if not assertions and suite.get("status") == "failed":
            text = cut(suite.get("message") or suite.get("failureMessage") or "")
            result.cases.append(TestCase(name=file, classname="Test suite failed to run", file=file,
                                         status="error", message=first_line(text), text=text,
                                         source=result.path))
    if isinstance(data.get("numTotalTests"), int):
        header = Counts(tests=data["numTotalTests"], passed=data.get("numPassedTests", 0),
                        failed=data.get("numFailedTests", 0))
        # Suites that failed to run are cases here but not in Jest's own numTotalTests.
        crashed = sum(1 for c in result.cases if c.classname == "Test suite failed to run")
        header.tests += crashed
        check_header(result, header, {"tests", "passed"})


def _case(item: dict[str, Any], file: str, source: str) -> TestCase:
    messages = item.get("failureMessages") or []
    text = cut("\n".join(str(m) for m in messages))
    location = item.get("location") or {}
    return TestCase(name=item.get("title") or item.get("fullName") or "",
                    classname=" > ".join(item.get("ancestorTitles") or []), file=file or None,
                    line=location.get("line") if isinstance(location, dict) else None,
                    status=_STATUS.get(str(item.get("status")), "failed"), message=first_line(text),
                    text=text, duration=_seconds(item.get("duration")), source=source)


def _seconds(ms: object) -> float | None:
    return ms / 1000 if isinstance(ms, int | float) else None
