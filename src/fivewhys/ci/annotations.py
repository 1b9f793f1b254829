"""GitHub workflow commands (``::error file=…,line=…::msg``) within GitHub's per-step limits.

GitHub shows at most 10 annotations of each level (error, warning, notice) per step and 50 per job;
we write at most 10 errors (the largest groups first: most tests explained per line), 10 warnings
(findings) and 10 notices (flaky tests). Values are escaped as the runner's command parser expects.
"""

from __future__ import annotations

from collections.abc import Callable

from .model import CiReport

PER_LEVEL = 10
MAX_MESSAGE = 4000
"""Characters per message: GitHub truncates long annotations; keep the useful head."""


def render(report: CiReport, redact: Callable[[str], str]) -> list[str]:
    """The workflow command lines, errors first."""
    lines: list[str] = []
    for group in report.groups[:PER_LEVEL]:
        frame = group.frames[0] if group.frames else None
        title = f"{group.count} test(s): {group.exception or 'failure'}"
        props = {"title": redact(title)}
        if frame is not None and not frame.file.startswith("/") and ":" not in frame.file:
            props["file"] = frame.file
            if frame.line:
                props["line"] = str(frame.line)
        lines.append(_command("error", props, redact(group.root_cause)))
    for cause in report.log_causes[: max(PER_LEVEL - len(lines), 0)]:
        lines.append(_command("error", {"title": f"job failed: {cause.kind}"}, redact(cause.text)))
    for finding in report.findings[:PER_LEVEL]:
        lines.append(_command("warning", {"title": f"fivewhys: {finding.kind}"},
                              redact(f"{finding.path}: {finding.message}")))
    for name in report.flaky[:PER_LEVEL]:
        lines.append(_command("notice", {"title": "flaky test"}, redact(f"{name} failed, then passed on a rerun")))
    return lines


def _command(level: str, props: dict[str, str], message: str) -> str:
    args = ",".join(f"{k}={_prop(v[:200])}" for k, v in props.items())
    return f"::{level} {args}::{_data(message[:MAX_MESSAGE])}"


def _data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(value: str) -> str:
    return _data(value).replace(":", "%3A").replace(",", "%2C")
