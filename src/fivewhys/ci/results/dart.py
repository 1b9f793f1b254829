"""``dart test --file-reporter json`` / ``flutter test --machine`` events (one JSON object a line).

Hidden tests (the synthetic "loading file" tests) do not count unless they fail, which means the file
could not be loaded; ``result`` success/failure/error maps to passed/failed/error, ``skipped`` wins.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..model import FileResult, Status, TestCase
from ._common import cut, first_line, json_object_line

_STATUS: dict[str, Status] = {"success": "passed", "failure": "failed", "error": "error"}


def parse(path: Path, result: FileResult) -> None:
    """Read dart/flutter JSON events into result."""
    tests: dict[int, dict[str, Any]] = {}
    errors: dict[int, list[str]] = {}
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            event = json_object_line(line)
            if event is None:
                continue
            kind = event.get("type")
            if kind == "testStart":
                test = event.get("test") or {}
                tests[int(test.get("id", -1))] = test
            elif kind == "error":
                errors.setdefault(int(event.get("testID", -1)), []).append(
                    f"{event.get('error', '')}\n{event.get('stackTrace', '')}")
            elif kind == "testDone":
                _done(result, event, tests, errors)


def _done(result: FileResult, event: dict[str, Any], tests: dict[int, dict[str, Any]],
          errors: dict[int, list[str]]) -> None:
    test_id = int(event.get("testID", -1))
    test = tests.get(test_id, {})
    status: Status = "skipped" if event.get("skipped") else _STATUS.get(str(event.get("result")), "failed")
    if event.get("hidden") and status in ("passed", "skipped"):
        return
    text = cut("\n".join(errors.get(test_id, [])))
    url = test.get("root_url") or test.get("url")
    result.cases.append(TestCase(
        name=str(test.get("name") or f"test {test_id}"), status=status,
        file=str(url).removeprefix("file://") if url else None,
        line=test.get("root_line") or test.get("line"), message=first_line(text), text=text,
        source=result.path))
