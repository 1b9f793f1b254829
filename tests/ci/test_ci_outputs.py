from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import typer
from ci_samples import JUNIT, big_junit
from typer.testing import CliRunner

from fivewhys.ci import annotations, summary
from fivewhys.ci.command import ci_command
from fivewhys.ci.group import group_failures
from fivewhys.ci.inputs import load
from fivewhys.ci.rawlog import find_cause
from fivewhys.ci.run import CiOptions, run_ci


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command()(ci_command)
    return app


@pytest.fixture(scope="module")
def big_report(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    path = big_junit(tmp_path_factory.mktemp("big") / "big.xml")
    return run_ci(CiOptions(paths=[str(path)]), lambda s: s)


def test_one_cause_many_tests_is_one_group(tmp_path: Path) -> None:
    path = tmp_path / "j.xml"
    path.write_text(JUNIT, encoding="utf-8")
    groups, _ = group_failures(load(path).cases)
    assert len(groups) == 1 and groups[0].count == 2
    assert groups[0].pattern == "null-dereference"
    assert groups[0].frames[0].file.endswith("app/cart.py")


def test_summary_stays_under_one_mib_and_says_what_was_cut(big_report) -> None:  # type: ignore[no-untyped-def]
    assert big_report.totals.tests == 100_000 and big_report.totals.failed == 20_000
    text = summary.render(big_report, lambda s: s, limit=summary.LIMIT)
    assert len(text.encode()) <= summary.LIMIT
    small = summary.render(big_report, lambda s: s, limit=6_000)
    assert len(small.encode()) <= 6_000 and "Cut to stay under" in small


def test_annotations_never_exceed_github_limits(big_report) -> None:  # type: ignore[no-untyped-def]
    lines = annotations.render(big_report, lambda s: s)
    for level in ("error", "warning", "notice"):
        assert sum(line.startswith(f"::{level} ") for line in lines) <= 10
    assert all("\n" not in line and len(line) < 5000 for line in lines)


def test_secrets_are_redacted_in_json(tmp_path: Path) -> None:
    secret = "ghp_1a2B3c4D5e6F7g8H9i0JkLmNoPqRsTuVwXyZ"
    path = tmp_path / "s.xml"
    path.write_text(f'<testsuite><testcase name="t"><failure message="key {secret} rejected">'
                    f"RuntimeError: key {secret} rejected</failure></testcase></testsuite>", encoding="utf-8")
    result = CliRunner().invoke(_app(), [str(path), "--format", "json", "--no-annotations"])
    assert result.exit_code == 0, result.output
    assert secret not in result.output
    data = json.loads(result.output)
    assert set(data["totals"]) >= {"tests", "passed", "failed", "errors", "skipped"}
    assert data["groups"] and "findings" in data


def test_raw_log_cause_is_the_explaining_line_not_the_last() -> None:
    lines = ["Run make", "src/a.c:3:5: error: 'x' undeclared", "make: *** [all] Error 1",
             "##[error]Process completed with exit code 2."]
    cause = find_cause(lines)
    assert cause is not None and cause.line == 2 and cause.kind == "compile_error"


def _git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": "2024-01-01T10:00:00Z", "GIT_COMMITTER_DATE": "2024-01-01T10:00:00Z",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


def test_group_touching_the_diff_is_marked(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "app").mkdir(parents=True)
    (repo / "app" / "cart.py").write_text("def total(price, qty):\n    return price + qty\n")
    (repo / "app" / "other.py").write_text("X = 1\n")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "base")
    _git(repo, "checkout", "-qb", "feature")
    (repo / "app" / "cart.py").write_text("def total(price, qty):\n    return price + qty + 0\n")
    _git(repo, "commit", "-qam", "change cart")
    results = tmp_path / "r.xml"
    results.write_text(JUNIT.replace("</testsuite>", '<testcase classname="o" name="z"><failure message="KeyError: '
                                     "'k'\">Traceback (most recent call last):\n  File \"/srv/app/app/other.py\", line 1,"
                                     " in f\nKeyError: 'k'</failure></testcase></testsuite>"), encoding="utf-8")
    report = run_ci(CiOptions(paths=[str(results)], base="main", repo=repo), lambda s: s)
    marks = {g.frames[0].file.rsplit("/", 1)[-1]: g.touches_change for g in report.groups}
    assert marks == {"cart.py": True, "other.py": False}
    assert report.base is not None and report.base.changed_files == 1


@pytest.mark.skipif(shutil.which("cmark-gfm") is None, reason="cmark-gfm is not installed (apt-get install cmark-gfm)")
def test_markdown_renders_with_cmark_gfm(tmp_path: Path) -> None:
    path = tmp_path / "j.xml"
    path.write_text(JUNIT, encoding="utf-8")
    text = summary.render(run_ci(CiOptions(paths=[str(path)]), lambda s: s), lambda s: s)
    html = subprocess.run(["cmark-gfm", "-e", "table", "--unsafe"], input=text, capture_output=True,
                          text=True, check=True).stdout
    assert "<table>" in html and "<details>" in html
    assert re.search(r"<td[^>]*>2</td>", html)


def test_unknown_input_format_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), [str(tmp_path), "--input-format", "nope"])
    assert result.exit_code != 0
