"""``go test -v`` text output (what go-junit-report reads): RUN/PASS/FAIL/SKIP lines, build errors
(``# pkg`` blocks and ``FAIL pkg [build failed]``) and panics, as go-junit-report turns them into
test cases: a failed build or setup is an error case ``[build failed]``/``[setup failed]``, a package
that failed with no failed test (a panic) is an error case ``Failure``.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..model import FileResult, Status, TestCase
from ._common import cut, first_line

_RESULT = re.compile(r"^\s*--- (PASS|FAIL|SKIP): (\S+)(?: \(([\d.]+)\s*s(?:econds)?\))?")
_RUN = re.compile(r"^=== (?:RUN|PAUSE|CONT)\s+(\S+)")
_PKG_END = re.compile(r"^(ok|FAIL)\s+(\S+)(?:\s+(\[(?:build|setup) failed\]|[\d.]+s|\(cached\)))?")
_BUILD_HEADER = re.compile(r"^# (\S+)")
_STATUS: dict[str, Status] = {"PASS": "passed", "FAIL": "failed", "SKIP": "skipped"}


def parse(path: Path, result: FileResult) -> None:
    """Read ``go test -v`` output into result."""
    parser = _Parser(str(path))
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            parser.feed(line.rstrip("\n"))
    result.cases.extend(parser.cases)


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.cases: list[TestCase] = []
        self.package_cases: list[TestCase] = []
        self.current: list[str] = []
        self.pending: dict[str, list[str]] = {}
        self.build: dict[str, list[str]] = {}
        self.build_pkg: str | None = None

    def feed(self, line: str) -> None:
        if m := _BUILD_HEADER.match(line):
            self.build_pkg = m.group(1)
            self.build[self.build_pkg] = []
        elif m := _RUN.match(line):
            self.build_pkg = None
            self.current = self.pending.setdefault(m.group(1), [])
        elif m := _RESULT.match(line):
            self._test(m.group(2), _STATUS[m.group(1)], m.group(3))
        elif m := _PKG_END.match(line):
            self.build_pkg = None
            self._package(m.group(1), m.group(2), m.group(3) or "")
        elif self.build_pkg is not None:
            self.build[self.build_pkg].append(line)
        elif line.strip() not in ("PASS", "FAIL"):
            self.current.append(line)

    def _test(self, name: str, status: Status, seconds: str | None) -> None:
        text = "\n".join(self.pending.pop(name, self.current))
        self.current = []
        self.package_cases.append(TestCase(
            name=name, status=status, text=cut(text) if status != "passed" else "",
            message=first_line(text) if status != "passed" else "",
            duration=float(seconds) if seconds else None, source=self.source))

    def _package(self, outcome: str, package: str, tail: str) -> None:
        cases, self.package_cases = self.package_cases, []
        for case in cases:
            case.classname = package
        if tail.startswith("["):
            text = "\n".join(self.build.pop(package, []))
            cases.append(self._error(package, tail, text))
        elif outcome == "FAIL" and not any(c.status == "failed" for c in cases):
            cases.append(self._error(package, "Failure", "\n".join(self.current)))
        self.current = []
        self.pending.clear()
        self.cases.extend(cases)

    def _error(self, package: str, name: str, text: str) -> TestCase:
        return TestCase(name=name, classname=package, status="error", message=first_line(text),
                        text=cut(text), source=self.source)
