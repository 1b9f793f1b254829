"""Results parsers, one module per format, behind one entry point: ``read_results(path, fmt)``.

A file that cannot be used (empty, binary, malformed, hostile, not a results format) becomes a
finding on its ``FileResult`` with no test cases; it never raises and never stops the other files.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..model import FileResult, Finding
from . import ctrf, dart, gojson, gotext, jest, junit, mocha, nunit, rspec, tap, trx, xunit
from ._xml import BadXML, HostileXML, repair_attribute_brackets

__all__ = ["read_results", "PathParsers", "DocParsers"]

MAX_JSON_BYTES = 256 * 1024 * 1024

PathParsers: dict[str, Callable[[Path, FileResult], None]] = {
    "junit": junit.parse, "nunit": nunit.parse, "xunit": xunit.parse, "trx": trx.parse,
    "gojson": gojson.parse, "gotext": gotext.parse, "tap": tap.parse, "dart": dart.parse,
}
DocParsers: dict[str, Callable[[dict[str, Any], FileResult], None]] = {
    "jest": jest.parse, "mocha": mocha.parse, "ctrf": ctrf.parse, "rspec": rspec.parse,
}


def read_results(path: Path, fmt: str) -> FileResult:
    """Parse one results file of a known format; problems become findings, never exceptions."""
    result = FileResult(path=str(path), format=fmt)
    try:
        _dispatch(path, fmt, result)
    except HostileXML as exc:
        _reject(result, "hostile", f"refused: {exc}", "error")
    except BadXML as exc:
        if not _try_repair(path, fmt, result):
            _reject(result, "malformed", f"unusable {fmt} file: {exc}", "error")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        _reject(result, "malformed", f"unusable {fmt} file: {exc}", "error")
    except OSError as exc:
        _reject(result, "unreadable", f"cannot read the file: {exc.strerror or exc}", "error")
    return result


_XML_PARSERS: dict[str, Callable[[Path | bytes, FileResult], None]] = {
    "junit": junit.parse, "nunit": nunit.parse, "xunit": xunit.parse, "trx": trx.parse,
}


def _try_repair(path: Path, fmt: str, result: FileResult) -> bool:
    """Re-read a file whose only fault is ``<`` inside an attribute value; say so in a finding."""
    if fmt not in _XML_PARSERS or path.stat().st_size > 64 * 1024 * 1024:
        return False
    fixed = repair_attribute_brackets(path.read_bytes())
    if fixed is None:
        return False
    result.cases.clear()
    result.findings.clear()
    try:
        _XML_PARSERS[fmt](fixed, result)
    except (BadXML, HostileXML, ValueError):
        return False
    result.findings.append(Finding(kind="repaired", path=result.path, severity="notice",
                                   message="not well-formed XML ('<' inside an attribute value); read after escaping it"))
    return True


def _dispatch(path: Path, fmt: str, result: FileResult) -> None:
    if fmt in PathParsers:
        PathParsers[fmt](path, result)
        return
    if fmt not in DocParsers and fmt != "unknown-json":
        raise ValueError(f"not a test results format this tool reads ({fmt})")
    if path.stat().st_size > MAX_JSON_BYTES:
        raise ValueError("JSON report larger than 256 MiB")
    text = path.read_text(encoding="utf-8", errors="replace")
    if not text.strip():
        raise ValueError("the file is empty")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"malformed JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    if not isinstance(data, dict) or fmt not in DocParsers:
        raise ValueError("JSON that is not a test results format this tool reads")
    DocParsers[fmt](data, result)


def _reject(result: FileResult, kind: str, message: str, severity: str) -> None:
    """Drop partial cases: counts from half a file would be wrong, the finding says why."""
    result.cases.clear()
    result.findings[:] = [Finding(kind=kind, path=result.path, message=message, severity=severity)]  # type: ignore[arg-type]
