"""The CI step as a library call: inputs in, ``CiReport`` out (the command only parses and writes)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .diff import changes, mark
from .group import find_flaky, group_failures
from .inputs import expand, load
from .model import CiReport, Counts, FileResult, Finding, InputSummary, TestCase


@dataclass
class CiOptions:
    paths: list[str]
    input_format: str | None = None
    base: str | None = None
    github_base_ref: str | None = None
    repo: Path | None = None


def run_ci(options: CiOptions, redact: Callable[[str], str]) -> CiReport:
    """Read every input, group the failures, tie them to the change; never raises for a bad file."""
    files, missing = expand(options.paths)
    results = [load(path, options.input_format) for path in files]
    cases: list[TestCase] = [case for r in results for case in r.cases]
    groups, members = group_failures(cases)
    report = CiReport(
        totals=_total(results),
        groups=groups, flaky=[redact(n) for n in find_flaky(cases)],
        findings=_findings(results, missing, redact),
        log_causes=[c for r in results for c in r.log_causes],
        inputs=[InputSummary(path=r.path, format=r.format, counts=r.counts()) for r in results],
    )
    if options.repo is not None and (options.base or options.github_base_ref or groups):
        change = changes(options.repo, options.base, options.github_base_ref)
        mark(report.groups, members, change)
        report.base = change.info
    _redact_groups(report, redact)
    return report


def _total(results: list[FileResult]) -> Counts:
    total = Counts()
    for result in results:
        total = total.add(result.counts())
    return total


def _findings(results: list[FileResult], missing: list[str], redact: Callable[[str], str]) -> list[Finding]:
    found = [f for r in results for f in r.findings]
    found += [Finding(kind="no_results", path=m, severity="error", message="no file matches this path or pattern")
              for m in missing]
    if not any(r.cases or r.extra.tests for r in results) and not any(r.log_causes for r in results):
        found.append(Finding(kind="no_results", path="*", severity="error",
                             message="no test results were found: the job may have died before writing them"))
    for f in found:
        f.message = redact(f.message)
    return found


def _redact_groups(report: CiReport, redact: Callable[[str], str]) -> None:
    for group in report.groups:
        group.message = redact(group.message)
        group.root_cause = redact(group.root_cause)
        group.excerpt = redact(group.excerpt)
        group.evidence = [redact(e) for e in group.evidence]
        group.tests = [redact(t) for t in group.tests]
        group.signature = redact(group.signature)
    for cause in report.log_causes:
        cause.text = redact(cause.text)
        cause.context = [redact(c) for c in cause.context]
