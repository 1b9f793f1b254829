"""Which format a file is, from its first bytes (never from its name alone).

XML by root element; JSON documents by their keys; JSON-lines by the first event; TAP, ``go test``
text, else a raw CI log. ``--input-format`` overrides this.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .results._xml import root_tag

from .formats import FORMATS
HEAD_BYTES = 64 * 1024

_XML_ROOTS = {"testsuites": "junit", "testsuite": "junit", "testResults": "junit", "test-run": "nunit",
              "test-results": "nunit", "test-suite": "nunit", "assemblies": "xunit", "assembly": "xunit", "TestRun": "trx"}
_TAP = re.compile(r"^(?:TAP version \d+|1\.\.\d+|(?:not )?ok\b)", re.MULTILINE)
_GOTEXT = re.compile(r"^(?:=== RUN|--- (?:PASS|FAIL|SKIP):|ok  \s*\S+|FAIL\s+\S+\s|# \S+/\S+$)", re.MULTILINE)


def detect(path: Path) -> str:
    """The format name of path (one of ``FORMATS``); ``log`` when nothing else fits."""
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").decode("utf-8", errors="replace")
    if text.startswith("<"):
        return _XML_ROOTS.get(root_tag(head) or "", "junit")
    if text.startswith("{"):
        return _json_kind(text, path)
    if _TAP.search(text[:4096]) and not _GOTEXT.search(text):
        return "tap"
    if _GOTEXT.search(text):
        return "gotext"
    return "log"


def _json_kind(text: str, path: Path) -> str:
    first = text.split("\n", 1)[0].strip()
    event = _loads(first)
    if isinstance(event, dict) and ("Action" in event and ("Package" in event or "ImportPath" in event)):
        return "gojson"
    if isinstance(event, dict) and ("protocolVersion" in event or event.get("type") in ("start", "suite", "testStart")):
        return "dart"
    if first.endswith("}") and event is not None and "\n{" in text and len(first) < len(text.strip()):
        return "dart" if "testStart" in text else "gojson"
    keys = _top_keys(text, path)
    if "testResults" in keys and "numTotalTests" in keys:
        return "jest"
    if "results" in keys:
        return "ctrf"
    if "examples" in keys:
        return "rspec"
    if "stats" in keys or "passes" in keys:
        return "mocha"
    return "jest" if "testResults" in keys else "unknown-json"


def _loads(text: str) -> object | None:
    try:
        data: object = json.loads(text)
    except json.JSONDecodeError:
        return None
    return data


def _top_keys(text: str, path: Path) -> set[str]:
    data = _loads(text) if len(text) < HEAD_BYTES else _loads(path.read_text(encoding="utf-8", errors="replace"))
    if isinstance(data, dict):
        return set(data)
    # Malformed JSON: guess from key-looking strings so the finding names the intended format.
    return set(re.findall(r'"(testResults|numTotalTests|results|examples|stats|passes)"\s*:', text))
