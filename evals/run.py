#!/usr/bin/env python3
"""Run the eval cases, score the reports, print a table, write ``evals/out/results.json``.

    python evals/run.py                      # every case: offline engine live, claude engine from cassettes
    python evals/run.py --engine offline --case 03
    python evals/run.py --check              # exit 1 when any score is below evals/baseline.json
    python evals/run.py --update-baseline    # accept the current scores as the baseline (a deliberate commit)
    python evals/run.py --record scripted    # re-record cassettes against the scripted local server
    python evals/run.py --record live        # re-record cassettes against the live API (ANTHROPIC_API_KEY)

Each case's fixture is built fresh in a temporary folder, and the analysis runs from inside it, with
the case's text, exactly as a user would run ``fivewhys analyze`` there.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

EVALS = Path(__file__).resolve().parent
if str(EVALS) not in sys.path:
    sys.path.insert(0, str(EVALS))

from fivewhys import Settings, analyze_text  # noqa: E402
from fivewhys.report.model import Report  # noqa: E402

import replay  # noqa: E402
from schema import Case, case_folders, load_case  # noqa: E402
from scorers import NAMES, Score, Truth, engine_ok, score_report  # noqa: E402

OUT = EVALS / "out" / "results.json"
BASELINE = EVALS / "baseline.json"
ENGINES = ("offline", "claude")
MARK = {True: "✓", False: "✗", None: "·"}


@dataclass
class CaseRun:
    """One case run by one engine: its scores and what it cost."""

    case: str
    engine: str
    scores: list[Score] = field(default_factory=list)
    wall_s: float = 0.0
    iterations: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    error: str | None = None

    @property
    def hits(self) -> tuple[int, int]:
        """(scores hit, scores that apply)."""
        applied = [s for s in self.scores if s.hit is not None]
        return sum(1 for s in applied if s.hit), len(applied)

    def as_json(self) -> dict[str, object]:
        """The JSON form written to results.json."""
        return {"case": self.case, "engine": self.engine, "error": self.error,
                "scores": {s.name: {"hit": s.hit, "detail": s.detail} for s in self.scores},
                "wall_s": round(self.wall_s, 3), "iterations": self.iterations, "input_tokens": self.input_tokens,
                "output_tokens": self.output_tokens, "cost_usd": round(self.cost_usd, 6)}


def build_fixture(folder: Path, dest: Path) -> None:
    """Run the case's ``build.py`` into ``dest``."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"evalcase_{folder.name}", folder / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    dest.mkdir(parents=True, exist_ok=True)
    module.build(dest)


def truth_for(case: Case, dest: Path) -> Truth:
    """The expected facts, with the culprit's full SHA looked up in the built repo."""
    ref = replay.commit_by_subject(dest, case.expected.commit) if case.expected.commit else None
    return Truth(case.expected, ref.sha if ref else None)


def scored(name: str, engine: str, report: Report, truth: Truth, wall_s: float) -> CaseRun:
    """Score a report and note its costs."""
    scores = score_report(report, truth)
    if engine == "claude":
        scores.append(engine_ok(report, "claude"))
    info = report.engine
    return CaseRun(name, engine, scores, wall_s, info.iterations, info.input_tokens, info.output_tokens,
                   info.cost_usd)


def run_engine(folder: Path, case: Case, dest: Path, engine: str, record: str | None) -> CaseRun | None:
    """Analyze one built case with one engine; None when the claude engine has no cassette to replay."""
    truth = truth_for(case, dest)
    if engine == "offline":
        started = time.monotonic()
        report = analyze_text(case.text, Settings(engine="offline"), cwd=dest)
        return scored(folder.name, engine, report, truth, time.monotonic() - started)
    if record is None and not replay.cassette_path(folder.name).is_file():
        return None
    started = time.monotonic()
    report = replay.run_claude(folder, case, dest, record)
    return scored(folder.name, engine, report, truth, time.monotonic() - started)


def run_case(folder: Path, engines: list[str], record: str | None) -> list[CaseRun]:
    """Build the case once, then run each engine on it."""
    case = load_case(folder)
    runs: list[CaseRun] = []
    with tempfile.TemporaryDirectory(prefix=f"fivewhys-eval-{folder.name}-") as tmp:
        dest = Path(tmp) / "incident"
        build_fixture(folder, dest)
        for engine in engines:
            if engine == "claude" and record == "scripted" and replay.load_scripted(folder) is None:
                continue
            try:
                run = run_engine(folder, case, dest, engine, record)
            except Exception as exc:  # noqa: BLE001 - one broken case must not hide the others' scores
                run = CaseRun(folder.name, engine, [Score(n, False, "error") for n in NAMES],
                              error=f"{type(exc).__name__}: {exc}"[:300])
            if run is not None:
                runs.append(run)
    return runs


def table(runs: list[CaseRun]) -> str:
    """One row per case and engine, then the totals per engine."""
    heads = ["file", "func", "commit", "type", "sev", "obs", "kw", "evid", "sect", "cite", "verd"]
    lines = [f"{'case':<34} {'engine':<8}" + "".join(f"{h:>7}" for h in heads)
             + f"{'score':>8}{'time s':>8}{'iter':>5}{'tokens in/out':>15}{'$':>8}"]
    for r in runs:
        marks = {s.name: MARK[s.hit] for s in r.scores}
        hit, total = r.hits
        lines.append(f"{r.case[:34]:<34} {r.engine:<8}" + "".join(f"{marks.get(n, '·'):>7}" for n in NAMES)
                     + f"{f'{hit}/{total}':>8}{r.wall_s:>8.2f}{r.iterations:>5}"
                     + f"{f'{r.input_tokens}/{r.output_tokens}':>15}{r.cost_usd:>8.4f}"
                     + (f"  ERROR {r.error}" if r.error else ""))
    lines.append("")
    lines += [totals_line(engine, [r for r in runs if r.engine == engine]) for engine in ENGINES
              if any(r.engine == engine for r in runs)]
    return "\n".join(lines)


def totals(runs: list[CaseRun]) -> dict[str, object]:
    """Hits per scorer and overall, time, tokens and cost of one engine's runs."""
    per = {n: [s.hit for r in runs for s in r.scores if s.name == n and s.hit is not None] for n in NAMES}
    hit = sum(r.hits[0] for r in runs)
    total = sum(r.hits[1] for r in runs)
    return {"cases": len(runs), "hits": hit, "applicable": total,
            "by_scorer": {n: f"{sum(v)}/{len(v)}" for n, v in per.items()},
            "cases_all_hit": sum(1 for r in runs if r.hits[0] == r.hits[1]),
            "wall_s": round(sum(r.wall_s for r in runs), 2), "input_tokens": sum(r.input_tokens for r in runs),
            "output_tokens": sum(r.output_tokens for r in runs),
            "cost_usd": round(sum(r.cost_usd for r in runs), 4)}


def totals_line(engine: str, runs: list[CaseRun]) -> str:
    """The totals of one engine, on two lines."""
    t = totals(runs)
    by = "  ".join(f"{k} {v}" for k, v in t["by_scorer"].items())  # type: ignore[attr-defined]
    return (f"TOTAL {engine:<8} {t['hits']}/{t['applicable']} scores hit; {t['cases_all_hit']}/{t['cases']} "
            f"cases fully right; {t['wall_s']} s; tokens {t['input_tokens']}/{t['output_tokens']}; "
            f"${t['cost_usd']}\n      {by}")


def as_baseline(runs: list[CaseRun]) -> dict[str, dict[str, dict[str, bool | None]]]:
    """engine -> case -> scorer -> hit."""
    out: dict[str, dict[str, dict[str, bool | None]]] = {}
    for r in runs:
        out.setdefault(r.engine, {})[r.case] = {s.name: s.hit for s in r.scores}
    return out


def regressions(runs: list[CaseRun], baseline: dict[str, dict[str, dict[str, bool | None]]],
                engines: list[str], only: str | None) -> list[str]:
    """Every baseline hit that is no longer a hit (a missing run counts as a miss)."""
    now = as_baseline(runs)
    problems = []
    for engine in engines:
        for case, scores in baseline.get(engine, {}).items():
            if only and only not in case:
                continue
            current = now.get(engine, {}).get(case)
            if current is None:
                problems.append(f"{engine} {case}: not run (missing case or cassette)")
                continue
            problems += [f"{engine} {case}: {name} was a hit in the baseline, now {current.get(name)}"
                         for name, hit in scores.items() if hit and current.get(name) is not True]
    return problems


def improvements(runs: list[CaseRun], baseline: dict[str, dict[str, dict[str, bool | None]]]) -> list[str]:
    """Scores that now hit where the baseline missed (the baseline may be raised)."""
    out = []
    for r in runs:
        old = baseline.get(r.engine, {}).get(r.case, {})
        out += [f"{r.engine} {r.case}: {s.name}" for s in r.scores if s.hit and old.get(s.name) is not True]
    return out


def write_results(runs: list[CaseRun], path: Path) -> None:
    """results.json: every run and the totals per engine."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"runs": [r.as_json() for r in runs],
            "totals": {e: totals([r for r in runs if r.engine == e]) for e in ENGINES if any(r.engine == e for r in runs)}}
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def update_baseline(runs: list[CaseRun], path: Path) -> None:
    """Merge the current scores into the baseline file."""
    base = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    for engine, cases in as_baseline(runs).items():
        base.setdefault(engine, {}).update(cases)
    path.write_text(json.dumps(base, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--engine", choices=[*ENGINES, "all"], default="all")
    p.add_argument("--case", help="only the cases whose folder name contains this")
    p.add_argument("--check", action="store_true", help="exit 1 when a score drops below the baseline")
    p.add_argument("--update-baseline", action="store_true", help="write the current scores to the baseline")
    p.add_argument("--record", choices=["scripted", "live"], help="re-record the claude cassettes")
    p.add_argument("--out", type=Path, default=OUT, help="where to write the JSON results")
    p.add_argument("--baseline", type=Path, default=BASELINE)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run, print, write; with --check, compare against the baseline."""
    args = parse_args(argv)
    engines = ["claude"] if args.record else list(ENGINES) if args.engine == "all" else [args.engine]
    if args.record == "live" and not replay.live_key():
        print("--record live needs ANTHROPIC_API_KEY", file=sys.stderr)
        return 2
    folders = [f for f in case_folders() if not args.case or args.case in f.name]
    runs = [run for folder in folders for run in run_case(folder, engines, args.record)]
    print(table(runs))
    write_results(runs, args.out)
    print(f"\nresults: {args.out}", file=sys.stderr)
    baseline = json.loads(args.baseline.read_text(encoding="utf-8")) if args.baseline.is_file() else {}
    if args.update_baseline:
        update_baseline(runs, args.baseline)
        print(f"baseline updated: {args.baseline}", file=sys.stderr)
        return 0
    if args.check:
        return report_check(runs, baseline, engines, args.case)
    return 0


def report_check(runs: list[CaseRun], baseline: dict[str, dict[str, dict[str, bool | None]]],
                 engines: list[str], only: str | None) -> int:
    """Print regressions (exit 1) and improvements (a hint to raise the baseline)."""
    problems = regressions(runs, baseline, engines, only)
    for line in improvements(runs, baseline):
        print(f"improved: {line} (raise the baseline with --update-baseline)", file=sys.stderr)
    for line in problems:
        print(f"REGRESSION: {line}", file=sys.stderr)
    print("check: " + (f"{len(problems)} regression(s)" if problems else "no score below the baseline"),
          file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
