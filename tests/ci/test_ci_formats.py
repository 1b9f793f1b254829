from __future__ import annotations

from pathlib import Path

import pytest
from ci_samples import CTRF, GOJSON, JEST, JUNIT, LAUGHS, MOCHA, NUNIT2, NUNIT3, SUREFIRE_FLAKY, TAP, TRX, XUNIT, XXE

from fivewhys.ci.detect import detect
from fivewhys.ci.inputs import load

CASES = [
    ("junit.xml", JUNIT, "junit", (4, 1, 2, 0, 1)),
    ("surefire.xml", SUREFIRE_FLAKY, "junit", (2, 1, 1, 0, 0)),
    ("nunit3.xml", NUNIT3, "nunit", (2, 1, 1, 0, 0)),
    ("nunit2.xml", NUNIT2, "nunit", (3, 1, 1, 0, 1)),
    ("xunit.xml", XUNIT, "xunit", (2, 1, 1, 0, 0)),
    ("r.trx", TRX, "trx", (3, 1, 1, 0, 1)),
    ("go.json", GOJSON, "gojson", (3, 1, 1, 0, 1)),
    ("t.tap", TAP, "tap", (4, 1, 1, 0, 2)),
    ("jest.json", JEST, "jest", (2, 1, 1, 0, 0)),
    ("mocha.json", MOCHA, "mocha", (2, 1, 1, 0, 0)),
    ("ctrf.json", CTRF, "ctrf", (2, 1, 1, 0, 0)),
]


@pytest.mark.parametrize(("name", "text", "fmt", "counts"), CASES)
def test_each_format_is_detected_and_counted(tmp_path: Path, name: str, text: str, fmt: str,
                                             counts: tuple[int, ...]) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert detect(path) == fmt
    c = load(path).counts()
    assert (c.tests, c.passed, c.failed, c.errors, c.skipped) == counts


def test_surefire_flaky_failure_is_a_flaky_pass(tmp_path: Path) -> None:
    path = tmp_path / "s.xml"
    path.write_text(SUREFIRE_FLAKY, encoding="utf-8")
    cases = {c.name: c for c in load(path).cases}
    assert cases["flaky"].status == "passed" and cases["flaky"].flaky
    assert cases["broken"].status == "failed" and not cases["broken"].flaky


@pytest.mark.parametrize("payload", [XXE, LAUGHS])
def test_entity_documents_are_refused_as_findings(tmp_path: Path, payload: str) -> None:
    path = tmp_path / "hostile.xml"
    path.write_text(payload, encoding="utf-8")
    result = load(path)
    assert result.cases == []
    assert [f.kind for f in result.findings] == ["hostile"]
    assert "lol" not in result.findings[0].message


def test_malformed_and_empty_files_are_findings(tmp_path: Path) -> None:
    (tmp_path / "bad.xml").write_text("<testsuites><testcase>", encoding="utf-8")
    (tmp_path / "empty.xml").write_text("", encoding="utf-8")
    (tmp_path / "bad.json").write_text('{"stats": {', encoding="utf-8")
    kinds = {p.name: load(p).findings[0].kind for p in tmp_path.iterdir()}
    assert kinds == {"bad.xml": "malformed", "empty.xml": "unreadable", "bad.json": "malformed"}


def test_header_mismatch_is_flagged(tmp_path: Path) -> None:
    path = tmp_path / "h.xml"
    path.write_text('<testsuites tests="5" failures="0"><testsuite><testcase name="a"/></testsuite></testsuites>',
                    encoding="utf-8")
    result = load(path)
    assert result.counts().tests == 1
    assert any(f.kind == "count_mismatch" for f in result.findings)
