"""The eval suite: cases are valid, scorers can fail, and no score drops below evals/baseline.json.

``test_no_score_drops_below_the_baseline`` is the CI gate: every case with the offline engine, live,
and every claude cassette, replayed with no network.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from fivewhys.report.model import CommitRef, Evidence, Location
from helpers import ROOT, sample_report

EVALS = ROOT / "evals"


def _load_runner() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fivewhys_evals_run", EVALS / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


RUN = _load_runner()
import schema  # noqa: E402  (importable once the runner put evals/ on the path)
import scorers  # noqa: E402
from scorers import Truth  # noqa: E402

CASES = schema.case_folders()


def test_no_score_drops_below_the_baseline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "results.json"
    code = RUN.main(["--check", "--out", str(out)])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    runs = json.loads(out.read_text())["runs"]
    assert {r["case"] for r in runs if r["engine"] == "offline"} == {c.name for c in CASES}
    assert len([r for r in runs if r["engine"] == "claude"]) >= 3
    assert "TOTAL offline" in printed.out and "TOTAL claude" in printed.out


def test_a_lost_hit_is_a_regression_and_a_new_hit_is_not() -> None:
    run = RUN.CaseRun("07_x", "offline", [scorers.Score("file", False), scorers.Score("type", True)])
    baseline = {"offline": {"07_x": {"file": True, "type": False}, "08_gone": {"file": True}}}
    problems = RUN.regressions([run], baseline, ["offline"], None)
    assert any("07_x: file" in p for p in problems) and any("08_gone" in p for p in problems)
    assert not any("type" in p for p in problems)
    assert RUN.improvements([run], baseline) == ["offline 07_x: type"]


# ------------------------------------------------------------------ the cases
@pytest.mark.parametrize("folder", CASES, ids=lambda p: p.name)
def test_case_is_valid_and_its_culprit_commit_exists(folder: Path, tmp_path: Path) -> None:
    case = schema.load_case(folder)
    RUN.build_fixture(folder, tmp_path / "incident")
    truth = RUN.truth_for(case, tmp_path / "incident")
    if case.expected.commit:
        assert truth.commit_sha is not None, f"no commit {case.expected.commit!r} in the fixture"
    if case.expected.file:
        assert (tmp_path / "incident" / case.expected.file).is_file()


def test_the_suite_covers_what_issue_10_asks_for() -> None:
    cases = [schema.load_case(f) for f in CASES]
    traits = {t for c in cases for t in c.traits}
    assert len(cases) >= 15
    assert {"cascade", "log-only", "deploy-marker", "config", "load-dependent", "ci"} <= traits
    assert traits & {"caller-culprit", "callee-culprit"}
    assert any(c.expected.inconclusive for c in cases)
    assert len({c.language for c in cases} - {"none"}) >= 6


def test_fixtures_are_deterministic(tmp_path: Path) -> None:
    heads = []
    for name in ("a", "b"):
        RUN.build_fixture(CASES[0], tmp_path / name)
        heads.append(RUN.replay.commit_by_subject(tmp_path / name, schema.load_case(CASES[0]).expected.commit or ""))
    assert heads[0] is not None and heads[0] == heads[1]


def test_case_json_schema_is_current() -> None:
    assert (EVALS / "case.schema.json").read_text() == schema.json_schema_text(), "run: python evals/schema.py"


def test_inconclusive_case_may_not_name_a_culprit() -> None:
    with pytest.raises(ValueError, match="inconclusive"):
        schema.Expected(inconclusive=True, file="a.py")


@pytest.mark.parametrize("path", sorted((EVALS / "cassettes").glob("*.yaml")), ids=lambda p: p.name)
def test_eval_cassettes_say_what_produced_them_and_hold_no_credentials(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Produced by the scripted local Messages-API server (tests/messages_server.py), "
                           "not by a model.") or text.startswith("# Produced by the live Anthropic API")
    assert not re.search(r"(?im)^\s*-?\s*(authorization|x-api-key|cookie)\s*:|sk-ant-api\d\d-", text)


# ------------------------------------------------------------------ the scorers, on hand-made reports
EXPECTED = schema.Expected(
    file="app/pricing.py", function="get_price", commit="Return None for SKUs missing from the price cache",
    type="runtime", severity="high", observability="intermittent", keywords=["None", "uncached"],
    evidence=[schema.CitedEvidence(kind="source", source=r"^app/pricing\.py:")])
RIGHT = Truth(EXPECTED, commit_sha="f" * 40)


def _hits(report: object, truth: Truth = RIGHT) -> dict[str, bool | None]:
    return {s.name: s.hit for s in scorers.score_report(report, truth)}  # type: ignore[arg-type]


def test_a_right_report_hits_every_scorer() -> None:
    assert set(_hits(sample_report()).values()) == {True}


def test_every_scorer_can_fail() -> None:
    good = sample_report()
    rc = good.root_cause
    wrong = good.model_copy(update={
        "inconclusive": True,
        "classification": good.classification.model_copy(update={"type": "logic", "severity": "low",
                                                                  "observability": "deterministic"}),
        "root_cause": rc.model_copy(update={
            "statement": "The cart total overflows.", "five_whys": [], "evidence": ["E1", "E9"],
            "location": Location(file="app/cart.py", line=11, function="Cart.total"),
            "commit": CommitRef(sha="e" * 40, subject="Add discounts", author="B", date="2026-01-01")}),
        "testing_strategy": [], "warnings": ["dropped evidence E9: app/x.py:3: no such file"]})
    assert set(_hits(wrong).values()) == {False}


def test_function_names_match_without_qualifiers_and_the_sha_must_match() -> None:
    report = sample_report()
    loc = Location(file="app/pricing.py", line=18, function="pricing.PriceBook#get_price")
    qualified = report.model_copy(update={"root_cause": report.root_cause.model_copy(update={"location": loc})})
    assert _hits(qualified)["function"] is True
    other_sha = Truth(EXPECTED, commit_sha="a" * 40)
    assert _hits(report, other_sha)["commit"] is False


def test_cited_evidence_must_be_cited_by_the_root_cause_not_merely_present() -> None:
    report = sample_report()
    extra = Evidence(id="E3", kind="commit", source="commit:" + "f" * 40, excerpt="Return None", note="")
    want = EXPECTED.model_copy(update={"evidence": [schema.CitedEvidence(kind="commit", excerpt="Return None")]})
    present = report.model_copy(update={"evidence": [*report.evidence, extra]})
    assert _hits(present, Truth(want))["evidence"] is False
    cited = present.model_copy(update={"root_cause": present.root_cause.model_copy(update={"evidence": ["E3"]})})
    assert _hits(cited, Truth(want))["evidence"] is True


def test_unstated_expectations_are_not_scored() -> None:
    hits = _hits(sample_report(inconclusive=True), Truth(schema.Expected(inconclusive=True)))
    assert hits["file"] is None and hits["commit"] is None and hits["keywords"] is None
    assert hits["verdict"] is True


def test_a_replay_that_fell_back_to_offline_fails_the_engine_score() -> None:
    report = sample_report()
    fell_back = report.model_copy(update={"engine": report.engine.model_copy(update={"fallback_reason": "unreachable"})})
    assert scorers.engine_ok(fell_back, "claude").hit is False
    claude = report.model_copy(update={"engine": report.engine.model_copy(update={"name": "claude"})})
    assert scorers.engine_ok(claude, "claude").hit is True
