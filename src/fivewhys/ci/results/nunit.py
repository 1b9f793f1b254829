"""NUnit 2 (``<test-results>``) and NUnit 3 (``<test-run>``) XML.

NUnit 3: ``result`` Passed/Failed/Skipped/Inconclusive/Warning with a ``label`` (Error, Invalid,
Cancelled, Ignored, Explicit); a Failed test labelled Error raised an unexpected exception.
NUnit 2: ``executed``/``result`` (Success, Failure, Error, Ignored, NotRunnable, Inconclusive...).
"""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element

from ..model import Counts, FileResult, Status, TestCase
from ._common import check_header, cut, first_line, to_float, to_int
from ._xml import iterparse

_NUNIT2 = {"success": "passed", "failure": "failed", "error": "error", "notrunnable": "error",
           "cancelled": "error", "ignored": "skipped", "skipped": "skipped", "inconclusive": "skipped",
           "notrun": "skipped"}


def parse(path: Path | bytes, result: FileResult) -> None:
    """Read an NUnit 2 or 3 file into result (streaming; raises HostileXML/BadXML)."""
    root: Element | None = None
    for event, elem, parent in iterparse(path):
        if root is None:
            root = elem
            if elem.tag not in ("test-run", "test-results", "test-suite"):
                raise ValueError(f"not NUnit XML: the root element is <{elem.tag}>")
        if event == "end" and elem.tag == "test-case":
            result.cases.append(_case(elem, result.path))
            if parent is not None:
                parent.remove(elem)
    if root is not None:
        _header(result, root)


def _case(elem: Element, source: str) -> TestCase:
    status = _status(elem)
    failure = elem.find("failure")
    reason = elem.find("reason")
    message = _text(failure, "message") or _text(reason, "message")
    trace = _text(failure, "stack-trace")
    classname = elem.get("classname") or _class_of(elem.get("fullname") or elem.get("name") or "")
    return TestCase(name=elem.get("methodname") or elem.get("name") or "", classname=classname,
                    status=status, message=first_line(message), text=cut(f"{message}\n{trace}".strip()),
                    duration=to_float(elem.get("duration") or elem.get("time")), source=source)


def _status(elem: Element) -> Status:
    result = (elem.get("result") or "").lower()
    if result in ("passed", "warning"):
        return "passed"
    if result == "failed":
        # NUnit's own totals count label="Error" (an unexpected exception) under "failed"; so do we.
        return "failed"
    if result in ("skipped", "inconclusive"):
        return "skipped"
    if (elem.get("executed") or "").lower() == "false":
        return "skipped"
    return _NUNIT2.get(result, "passed" if elem.get("success", "").lower() == "true" else "failed")  # type: ignore[return-value]


def _class_of(fullname: str) -> str:
    head = fullname.split("(", 1)[0]
    return head.rsplit(".", 1)[0] if "." in head else ""


def _text(elem: Element | None, tag: str) -> str:
    if elem is None:
        return ""
    found = elem.find(tag)
    return (found.text or "").strip() if found is not None else ""


def _header(result: FileResult, root: Element) -> None:
    if root.tag != "test-results":
        keys = {"tests": "total", "passed": "passed", "failed": "failed", "skipped": "skipped"}
    else:
        keys = {"tests": "total", "failed": "failures", "errors": "errors"}
    values = {k: to_int(root.get(attr)) for k, attr in keys.items()}
    stated = {k for k, v in values.items() if v is not None}
    if "tests" not in stated:
        return
    header = Counts(**{k: v for k, v in values.items() if v is not None})
    check_header(result, header, stated)
