"""Helpers every results parser shares: numbers from attributes, text cut to size, header checks."""

from __future__ import annotations

import json
from typing import Any

from ..model import Counts, FileResult, Finding

MAX_TEXT = 16 * 1024
"""A failure body is cut here: enough for any stack trace's useful part, bounded for 100k tests."""


def to_int(value: str | None) -> int | None:
    """An integer attribute, or None when absent or not a number (``"3.0"`` counts as 3)."""
    if value is None or not value.strip():
        return None
    try:
        return int(float(value))
    except ValueError:
        return None


def to_float(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return float(value.replace(",", "."))
    except ValueError:
        return None


def cut(text: str | None, limit: int = MAX_TEXT) -> str:
    """Text stripped and cut to limit characters (head kept: the exception line comes first)."""
    if not text:
        return ""
    text = text.strip("\r\n")
    return text if len(text) <= limit else text[:limit] + "\n[... cut]"


def first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def check_header(result: FileResult, header: Counts, stated: set[str]) -> None:
    """Compare what the file says about itself with its test cases; flag what disagrees.

    Only the counters the file actually states are compared. The test cases stay the totals
    (they are what a reader can check); the header's figures are kept in the finding.
    """
    result.header = header
    actual = result.counts()
    wrong = [k for k in sorted(stated) if getattr(header, k) != getattr(actual, k)]
    if wrong:
        said = ", ".join(f"{k}={getattr(header, k)}" for k in wrong)
        got = ", ".join(f"{k}={getattr(actual, k)}" for k in wrong)
        result.findings.append(Finding(
            kind="count_mismatch", path=result.path,
            message=f"the file's header says {said} but its test cases give {got}; the test cases are used"))


def json_object_line(line: str) -> dict[str, Any] | None:
    """One JSON-lines event: the object on the line, or None for anything else (prose, arrays, junk)."""
    line = line.strip()
    if not line.startswith("{"):
        return None
    try:
        data = json.loads(line)
    except json.JSONDecodeError:
        return None
    return data if isinstance(data, dict) else None
