"""xUnit.net v2 XML (``<assemblies><assembly><collection><test result="Pass|Fail|Skip">``)."""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element

from ..model import Counts, FileResult, Status, TestCase
from ._common import check_header, cut, first_line, to_float, to_int
from ._xml import iterparse

_STATUS: dict[str, Status] = {"pass": "passed", "fail": "failed", "skip": "skipped", "notrun": "skipped"}


def parse(path: Path | bytes, result: FileResult) -> None:
    """Read an xUnit.net v2 file into result (streaming; raises HostileXML/BadXML)."""
    header = Counts()
    stated: set[str] = set()
    for event, elem, parent in iterparse(path):
        if event == "start" and elem.tag == "assembly":
            _add_header(header, stated, elem)
        elif event == "end" and elem.tag == "test":
            result.cases.append(_case(elem, result.path))
            if parent is not None:
                parent.remove(elem)
        elif event == "start" and parent is None and elem.tag not in ("assemblies", "assembly"):
            raise ValueError(f"not xUnit.net XML: the root element is <{elem.tag}>")
    if stated:
        check_header(result, header, stated)


def _add_header(header: Counts, stated: set[str], assembly: Element) -> None:
    for key, attr in (("tests", "total"), ("passed", "passed"), ("failed", "failed"),
                      ("skipped", "skipped"), ("errors", "errors")):
        value = to_int(assembly.get(attr))
        if value is not None:
            setattr(header, key, getattr(header, key) + value)
            stated.add(key)


def _case(elem: Element, source: str) -> TestCase:
    failure = elem.find("failure")
    message = _child(failure, "message")
    trace = _child(failure, "stack-trace")
    exc_type = failure.get("exception-type", "") if failure is not None else ""
    status = _STATUS.get((elem.get("result") or "").lower(), "failed")
    reason = _child(elem, "reason")
    return TestCase(name=elem.get("name") or "", classname=elem.get("type") or "", status=status,
                    message=first_line(message or reason), type=exc_type,
                    text=cut(f"{exc_type + ': ' if exc_type else ''}{message}\n{trace}".strip()),
                    duration=to_float(elem.get("time")), source=source)


def _child(elem: Element | None, tag: str) -> str:
    if elem is None:
        return ""
    found = elem.find(tag)
    return (found.text or "").strip() if found is not None else ""
