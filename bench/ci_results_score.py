"""Score ``fivewhys ci`` parsing against ../shared/datasets/ci-results (run on demand, prints figures).

    .venv/bin/python bench/ci_results_score.py [-v]

- expected.json: the five counts per file must match (only the keys a source states). Sources whose
  SOURCES.md says "failed includes errors" (dorny, test-summary, mikepenz count errors as failures)
  are compared with failed+errors.
- expected-errors.json: each file must give a clear finding (malformed/hostile/unreadable), no test
  cases, and the XXE target text "abc" must appear nowhere in the output.
- expected-detail.json (pytorch logs): the answer-key markers (``#=MATCH=# ``, ``‹ ›``, the
  ``#=SOURCE=#`` line) are stripped here, in the scorer, into a temporary copy; the product reads that
  copy and must name the marked line (line numbers are mapped back to the original file).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from fivewhys.ci.inputs import load

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "datasets" / "ci-results"
ERRORS_AS_FAILED = ("dorny-test-reporter/", "test-summary-action/", "mikepenz-action-junit-report/")


def score_counts(verbose: bool) -> tuple[int, int]:
    expected = json.loads((DATA / "expected.json").read_text())
    ok = 0
    for rel, want in sorted(expected.items()):
        got = load(DATA / rel).counts().model_dump()
        if rel.startswith(ERRORS_AS_FAILED) and "errors" not in want:
            got["failed"] += got["errors"]
        wrong = {k: (v, got[k]) for k, v in want.items() if got[k] != v}
        ok += not wrong
        if wrong and verbose:
            print(f"  COUNTS {rel}: (want, got) {wrong}")
    return ok, len(expected)


def score_errors(verbose: bool) -> tuple[int, int]:
    expected = json.loads((DATA / "expected-errors.json").read_text())
    ok = 0
    for rel in sorted(expected):
        result = load(DATA / rel)
        dumped = json.dumps([f.model_dump() for f in result.findings]) + repr(result.cases)
        clear = any(f.kind in ("malformed", "hostile", "unreadable") for f in result.findings)
        good = clear and not result.cases and "abc" not in dumped.replace("abcdef", "")
        ok += good
        if verbose:
            print(f"  {'ok ' if good else 'BAD'} {rel}: {[f.message for f in result.findings]}")
    return ok, len(expected)


def score_logs(verbose: bool) -> tuple[int, int]:
    detail = json.loads((DATA / "expected-detail.json").read_text())
    ok = total = 0
    for rel, want in sorted(detail.items()):
        if not rel.startswith("pytorch-test-infra/"):
            continue
        total += 1
        got_line = _cause_line(DATA / rel)
        good = got_line == want["match_line"]
        ok += good
        if verbose:
            print(f"  {'ok ' if good else 'BAD'} {rel}: want line {want['match_line']}, got {got_line}")
    return ok, total


def _cause_line(path: Path) -> int | None:
    """Strip the answer key into a temp copy, analyse it, map the line back to the original."""
    original = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept: list[int] = []
    cleaned: list[str] = []
    for number, line in enumerate(original, 1):
        if line.startswith("#=SOURCE=#"):
            continue
        kept.append(number)
        cleaned.append(line.removeprefix("#=MATCH=# ").replace("‹", "").replace("›", ""))
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / path.name
        copy.write_text("".join(cleaned), encoding="utf-8")
        result = load(copy)
    if not result.log_causes:
        return None
    return kept[result.log_causes[0].line - 1]


def main() -> None:
    verbose = "-v" in sys.argv
    for name, scorer in (("counts (expected.json)", score_counts), ("rejected (expected-errors.json)", score_errors),
                         ("cause line (pytorch logs)", score_logs)):
        ok, total = scorer(verbose)
        print(f"{name}: {ok}/{total} = {100 * ok / max(total, 1):.1f}%")


if __name__ == "__main__":
    main()
