"""Visual Studio TRX (``<TestRun>``): ``UnitTestResult`` outcomes, class names from ``TestDefinitions``.

Outcomes: Passed/PassedButRunAborted pass; Failed/Timeout fail; Error is an error;
Aborted (the run stopped before the test finished), NotExecuted/Inconclusive/Pending/Disconnected/NotRunnable did not run (skipped).
"""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element

from ..model import FileResult, Status, TestCase
from ._common import cut, first_line, to_float
from ._xml import iterparse

_STATUS: dict[str, Status] = {
    "passed": "passed", "passedbutrunaborted": "passed", "warning": "passed", "completed": "passed",
    "failed": "failed", "timeout": "failed", "aborted": "skipped", "error": "error",
    "notexecuted": "skipped", "inconclusive": "skipped", "pending": "skipped",
    "disconnected": "skipped", "notrunnable": "skipped", "inprogress": "skipped",
}


def parse(path: Path | bytes, result: FileResult) -> None:
    """Read a TRX file into result (streaming; raises HostileXML/BadXML)."""
    classes: dict[str, str] = {}
    pending: list[tuple[str, TestCase]] = []
    for event, elem, parent in iterparse(path):
        if event == "start":
            if parent is None and elem.tag != "TestRun":
                raise ValueError(f"not TRX: the root element is <{elem.tag}>")
            continue
        if elem.tag == "UnitTestResult" and (parent is None or parent.tag == "Results"):
            pending.append((elem.get("testId") or "", _case(elem, result.path)))
        elif elem.tag == "UnitTest":
            method = elem.find("TestMethod")
            if method is not None:
                classes[elem.get("id") or ""] = method.get("className") or ""
        else:
            continue
        if parent is not None:
            parent.remove(elem)
    for test_id, case in pending:
        case.classname = classes.get(test_id, "").split(",", 1)[0]
        result.cases.append(case)


def _case(elem: Element, source: str) -> TestCase:
    info = elem.find("Output/ErrorInfo")
    message = _child(info, "Message")
    trace = _child(info, "StackTrace")
    status = _STATUS.get((elem.get("outcome") or "").lower(), "failed")
    return TestCase(name=elem.get("testName") or "", status=status, message=first_line(message),
                    text=cut(f"{message}\n{trace}".strip()), duration=_duration(elem.get("duration")),
                    source=source)


def _duration(value: str | None) -> float | None:
    """TRX writes ``hh:mm:ss.fffffff``."""
    if not value or ":" not in value:
        return to_float(value)
    h, m, s = (value.split(":") + ["0", "0"])[:3]
    seconds = to_float(s)
    return None if seconds is None else int(h or 0) * 3600 + int(m or 0) * 60 + seconds


def _child(elem: Element | None, tag: str) -> str:
    if elem is None:
        return ""
    found = elem.find(tag)
    return (found.text or "").strip() if found is not None else ""
