"""TAP (Test Anything Protocol) 12/13/14: ``ok``/``not ok`` lines, ``# SKIP``/``# TODO`` directives,
the ``1..N`` plan, ``Bail out!``, and YAML diagnostics (``---`` ... ``...``) attached to the test above.

A ``not ok`` with ``# TODO`` is an expected failure and counts as skipped, like ``# SKIP``. Results
after a trailing plan make the stream invalid (TAP 13): the file becomes a finding, not counts.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..model import FileResult, Finding, Status, TestCase
from ._common import cut

_TEST = re.compile(r"^(not ok|ok)\b[ \t]*(\d+)?[ \t]*-?[ \t]*(.*)$")
_PLAN = re.compile(r"^1\.\.(\d+)")
_DIRECTIVE = re.compile(r"(?:^|\s|-)#\s*(SKIP\w*|TODO)\b\s*(.*)$", re.IGNORECASE)


class InvalidTap(ValueError):
    """The stream breaks the TAP grammar (results after the closing plan)."""


def parse(path: Path, result: FileResult) -> None:
    """Read a TAP stream into result; raises InvalidTap for a stream TAP says is invalid."""
    plan: int | None = None
    plan_closed = False
    yaml: list[str] | None = None
    cases = result.cases
    with path.open(encoding="utf-8", errors="replace") as fh:
        for number, raw in enumerate(fh, 1):
            line = raw.rstrip("\r\n")
            if yaml is not None:
                if line.strip() == "...":
                    _attach(cases, yaml)
                    yaml = None
                else:
                    yaml.append(line)
                continue
            if line.strip() == "---" and cases and line.startswith(" "):
                yaml = []
            elif m := _TEST.match(line):
                if plan_closed:
                    raise InvalidTap(f"a test result follows the closing plan (line {number})")
                cases.append(_case(m, str(path)))
            elif m := _PLAN.match(line):
                plan = int(m.group(1))
                plan_closed = bool(cases)
            elif line.startswith("Bail out!"):
                _bail_out(result, line, cases)
                break
    if plan is not None and plan != len(cases) and not any(f.kind == "no_results" for f in result.findings):
        result.findings.append(Finding(kind="count_mismatch", path=str(path),
                                       message=f"the plan announces {plan} tests but {len(cases)} ran"))


def _case(m: re.Match[str], source: str) -> TestCase:
    ok, description = m.group(1) == "ok", m.group(3).strip()
    directive = _DIRECTIVE.search(description)
    status: Status = "passed" if ok else "failed"
    if directive is not None:
        status = "skipped"
        description = description[: directive.start()].strip()
    name = description or f"test {m.group(2) or '?'}"
    return TestCase(name=name, status=status, message=name if status == "failed" else "", source=source)


def _attach(cases: list[TestCase], yaml: list[str]) -> None:
    """YAML diagnostics explain the test above; keep them as its failure text."""
    case = cases[-1]
    if case.status == "failed":
        case.text = cut("\n".join(line[2:] if line.startswith("  ") else line for line in yaml))
        for line in yaml:
            key, _, value = line.strip().partition(":")
            if key in ("message", "error") and value.strip():
                case.message = value.strip().strip("'\"")
                break


def _bail_out(result: FileResult, line: str, cases: list[TestCase]) -> None:
    reason = line[len("Bail out!"):].strip() or "no reason given"
    if cases and cases[-1].status == "failed":
        cases[-1].text = cut(f"Bail out! {reason}\n{cases[-1].text}")
    result.findings.append(Finding(kind="no_results", path=result.path, severity="error",
                                   message=f"the run bailed out: {reason}; later tests never ran"))
