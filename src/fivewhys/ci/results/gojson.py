"""``go test -json`` events (test2json), including Go 1.24 ``build-output``/``build-fail`` events.

A Go package can fail outside any test: a panic after the tests finished becomes an error test case
named ``Failure`` (as go-junit-report writes it); any other package failure with no failed test
(a broken TestMain, a failed build, a data race reported at exit) is a failure of the package that
is not counted as a test (as gotestsum counts it). A ``build-fail`` event is one error.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from ..model import Counts, FileResult, Finding, TestCase
from ._common import cut, first_line, json_object_line

_TERMINAL = {"pass": "passed", "fail": "failed", "skip": "skipped"}
MAX_OUTPUT_LINES = 400


def parse(path: Path, result: FileResult) -> None:
    """Read ``go test -json`` output into result (line by line; bad lines become one finding)."""
    state = _State(str(path))
    bad = 0
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            event = json_object_line(line)
            event = event if event is not None and "Action" in event else None
            if event is None:
                bad += bool(line.strip())
                continue
            state.feed(event)
    result.cases.extend(state.cases)
    result.extra = Counts(errors=state.build_failures)
    if bad:
        result.findings.append(Finding(kind="malformed", path=str(path), severity="notice",
                                       message=f"{bad} line(s) were not go test -json events (kept out)"))


class _State:
    def __init__(self, source: str) -> None:
        self.source = source
        self.cases: list[TestCase] = []
        self.output: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.failed_tests: dict[str, int] = defaultdict(int)
        self.build_failures = 0

    def feed(self, event: dict[str, object]) -> None:
        action = str(event.get("Action"))
        package = str(event.get("Package") or event.get("ImportPath") or "")
        test = str(event.get("Test") or "")
        if action in ("output", "build-output"):
            buf = self.output[(package, test)]
            if len(buf) < MAX_OUTPUT_LINES:
                buf.append(str(event.get("Output") or ""))
        elif action == "build-fail":
            self.build_failures += 1
        elif action in _TERMINAL and test:
            self._test_done(package, test, action, event)
        elif action == "fail":
            self._package_failed(package, event)

    def _test_done(self, package: str, test: str, action: str, event: dict[str, object]) -> None:
        text = _clean("".join(self.output.pop((package, test), [])))
        status = _TERMINAL[action]
        if status == "failed":
            self.failed_tests[package] += 1
        self.cases.append(TestCase(name=test, classname=package, status=status,  # type: ignore[arg-type]
                                   message=_message(text) if status != "passed" else "",
                                   text=cut(text) if status != "passed" else "",
                                   duration=_elapsed(event), source=self.source))

    def _package_failed(self, package: str, event: dict[str, object]) -> None:
        if self.failed_tests[package]:
            return
        text = "".join(self.output.pop((package, ""), []))
        build = str(event.get("FailedBuild") or "")
        if build:
            text = "".join(self.output.pop((build, ""), [])) + text
        panicked = "panic:" in text and not build
        self.cases.append(TestCase(
            name="Failure" if panicked else "[package failed]", classname=package,
            status="error" if panicked else "failed", message=_message(text), text=cut(text),
            counted=panicked, source=self.source))


def _clean(text: str) -> str:
    """Drop the runner's own bookkeeping lines; keep what the test printed."""
    keep = [ln for ln in text.splitlines() if not ln.lstrip().startswith(("=== RUN", "=== PAUSE", "=== CONT"))]
    return "\n".join(keep)


def _message(text: str) -> str:
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith(("---", "FAIL", "exit status", "#")):
            return stripped
    return first_line(text)


def _elapsed(event: dict[str, object]) -> float | None:
    value = event.get("Elapsed")
    return float(value) if isinstance(value, int | float) else None
