"""RSpec's ``--format json``: ``examples[]`` with status passed/failed/pending and ``exception``."""

from __future__ import annotations

from typing import Any

from ..model import FileResult, Status, TestCase
from ._common import cut

_STATUS: dict[str, Status] = {"passed": "passed", "failed": "failed", "pending": "skipped"}


def parse(data: dict[str, Any], result: FileResult) -> None:
    """Fill result from a parsed RSpec JSON report."""
    for example in data.get("examples") or []:
        exc = example.get("exception") or {}
        exc_type = str(exc.get("class") or "")
        message = str(exc.get("message") or "")
        backtrace = "\n".join(str(x) for x in exc.get("backtrace") or [])
        text = cut(f"{exc_type}: {message}\n{backtrace}".strip(": \n")) if exc else ""
        result.cases.append(TestCase(
            name=str(example.get("description") or example.get("full_description") or ""),
            classname=str(example.get("full_description") or ""), file=example.get("file_path"),
            line=example.get("line_number"), status=_STATUS.get(str(example.get("status")), "failed"),
            message=message.strip().splitlines()[0] if message.strip() else "", type=exc_type, text=text,
            duration=example.get("run_time"), source=result.path))
