"""JUnit XML in its dialects: pytest, Maven Surefire/Failsafe (rerun/flaky elements), Gradle,
jest-junit, go-junit-report, gotestsum, PHPUnit, Catch2, cargo-nextest, mocha-junit, Bazel, CUnit.

Outcome of a ``<testcase>``: a ``<skipped>`` child or a ``status`` of disabled/skipped/notrun wins
(a disabled test that also carries ``<failure>`` did not run); then ``<error>``; then ``<failure>``;
``<flakyFailure>``/``<flakyError>`` alone mean it failed and then passed on a rerun (passed, flaky);
``<rerunFailure>`` next to ``<failure>`` means every rerun failed (failed). Several ``<failure>``
children are one failed test.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element

from ..model import Counts, FileResult, Finding, Status, TestCase
from ._common import check_header, cut, first_line, to_float, to_int
from ._xml import iterparse

_SKIP_STATUS = {"disabled", "skipped", "notrun", "not_run", "ignored"}
_FLAKY = ("flakyFailure", "flakyError")
_HEADER_KEYS = {"tests": "tests", "failures": "failed", "errors": "errors", "skipped": "skipped",
                "skip": "skipped", "disabled": "skipped"}


def parse(path: Path | bytes, result: FileResult) -> None:
    """Read a JUnit XML file into result (streaming; raises HostileXML/BadXML)."""
    header: dict[str, int] = {}
    suites: list[tuple[int, Element]] = []  # open <testsuite>s: (index of its first case, element)
    depth = 0
    for event, elem, parent in iterparse(path):
        if event == "start":
            depth += 1
            if depth == 1 and elem.tag not in ("testsuites", "testsuite", "testResults"):
                raise ValueError(f"not JUnit XML: the root element is <{elem.tag}>")
            if elem.tag == "testsuite":
                suites.append((len(result.cases), elem))
            if _is_header_level(depth, elem):
                _add_header(header, elem)
            continue
        depth -= 1
        if elem.tag == "testcase" and _is_case(elem):
            result.cases.append(_case(elem, result.path))
            if parent is not None:
                parent.remove(elem)  # bounded memory on huge files
        elif elem.tag == "testsuite":
            start = suites.pop()[0]
            if start == len(result.cases):
                _header_only_suite(result, elem)
            else:
                _outside_tests(result.cases[start:], elem)
    _finish(result, header)


def _is_header_level(depth: int, elem: Element) -> bool:
    """The root's totals, or each top-level suite's when the root states none."""
    return elem.tag in ("testsuites", "testsuite") and depth <= 2


def _is_case(elem: Element) -> bool:
    # Some reporters nest <testcase> inside <testcase> as steps; only leaves are tests.
    return not any(child.tag == "testcase" for child in elem)


def _add_header(header: dict[str, int], elem: Element) -> None:
    if elem.tag == "testsuites" and "tests" in elem.attrib:
        header.clear()
        header["_root"] = 1
    elif "_root" in header:
        return
    for attr, key in _HEADER_KEYS.items():
        value = to_int(elem.get(attr))
        if value is not None:
            header[key] = header.get(key, 0) + value


def _header_only_suite(result: FileResult, suite: Element) -> None:
    """A suite that states counts but lists no test cases: keep its counts (some tools write these)."""
    tests = to_int(suite.get("tests")) or 0
    if tests <= 0:
        return
    failed = to_int(suite.get("failures")) or 0
    errors = to_int(suite.get("errors")) or 0
    skipped = to_int(suite.get("skipped")) or to_int(suite.get("disabled")) or 0
    passed = max(tests - failed - errors - skipped, 0)
    result.extra = result.extra.add(Counts(tests=tests, passed=passed, failed=failed, errors=errors,
                                           skipped=skipped))
    result.findings.append(_header_only_finding(result.path, suite.get("name") or "?", tests))


def _header_only_finding(path: str, name: str, tests: int) -> Finding:
    return Finding(kind="count_mismatch", path=path, severity="notice",
                   message=f"suite {name!r} states {tests} tests but lists none; its header counts are used")


def _outside_tests(cases: list[TestCase], suite: Element) -> None:
    """A suite that says ``tests="0"`` yet lists failed cases reports a failure outside any test
    (gotestsum writes a Go package's TestMain/exit failure this way): count it, not as a test."""
    # Only <failure>: an <error> case in such a suite is a suite that crashed (jest-junit's "Test
    # suite failed to run"), which reporters count as a test.
    if to_int(suite.get("tests")) == 0 and all(c.status == "failed" for c in cases):
        for case in cases:
            case.counted = False


def _finish(result: FileResult, header: dict[str, int]) -> None:
    stated = {k for k in header if not k.startswith("_")}
    if not stated or result.extra.tests:
        return
    counts = Counts(**{k: header.get(k, 0) for k in stated})
    counts.passed = counts.tests - counts.failed - counts.errors - counts.skipped
    _errors_outside_cases(result, counts, stated, set(header))
    check_header(result, counts, stated)


def _errors_outside_cases(result: FileResult, header: Counts, stated: set[str], header_keys: set[str]) -> None:
    """The header may count errors no test case shows (gotestsum adds a package's build error from
    stderr this way) in the run-level ``<testsuites>`` totals. With the test count agreeing, keep those errors; the mismatch finding stays."""
    actual = result.counts()
    if "_root" in header_keys and "errors" in stated and header.tests == actual.tests and header.errors > actual.errors:
        result.extra = result.extra.add(Counts(errors=header.errors - actual.errors))
        result.findings.append(Finding(
            kind="count_mismatch", path=result.path, severity="notice",
            message=f"the header counts {header.errors - actual.errors} error(s) outside any test case; kept"))


def _case(elem: Element, source: str) -> TestCase:
    status, detail = _outcome(elem)
    flaky = status == "passed" and any(elem.find(tag) is not None for tag in _FLAKY)
    if flaky:
        detail = next(elem.find(tag) for tag in _FLAKY if elem.find(tag) is not None)
    message = (detail.get("message") or "") if detail is not None else ""
    text = _body(detail) if detail is not None else ""
    if status in ("failed", "error") and not text:
        text = cut(_child_text(elem, "system-err") or _child_text(elem, "system-out"), 4096)
    return TestCase(
        name=elem.get("name") or "",
        classname=elem.get("classname") or elem.get("class") or "",
        file=elem.get("file") or (detail.get("file") if detail is not None else None),
        line=to_int(elem.get("line") or (detail.get("line") if detail is not None else None)),
        status=status, message=(message or first_line(text)).strip(),
        type=(detail.get("type") or "") if detail is not None else "",
        text=text, duration=to_float(elem.get("time")), flaky=flaky, source=source)


def _outcome(elem: Element) -> tuple[Status, Element | None]:
    if (elem.get("status") or "").lower() in _SKIP_STATUS or elem.find("skipped") is not None:
        return "skipped", elem.find("skipped")
    for tag, status in (("error", "error"), ("failure", "failed")):
        found = elem.find(tag)
        if found is not None:
            return status, found  # type: ignore[return-value]
    return "passed", None


def _body(detail: Element) -> str:
    # Surefire's flaky/rerun elements keep the trace in a <stackTrace> child.
    trace = detail.find("stackTrace")
    return cut(trace.text if trace is not None else detail.text)


def _child_text(elem: Element, tag: str) -> str:
    found = elem.find(tag)
    return (found.text or "") if found is not None else ""
