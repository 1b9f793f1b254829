"""Test helpers: real git repositories with fixed dates, the bundled example builder, the real CLI."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fivewhys.report.model import (
    Classification,
    CommitRef,
    EngineInfo,
    Evidence,
    ImmediateFix,
    Location,
    MonitoringItem,
    Report,
    RootCause,
    Summary,
)

ROOT = Path(__file__).resolve().parents[1]


def _load_example_builder():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("example_checkout_build", ROOT / "examples/checkout/build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EXAMPLE = _load_example_builder()


def _load_eval_fixtures():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("eval_fixtures", ROOT / "evals/fixtures.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


class RepoBuilder(_load_eval_fixtures().Repo):  # type: ignore[misc]
    """The eval cases' repo builder (fixed identities and dates, so SHAs are stable), with the
    argument order the tests read best in: files first."""

    def commit(self, files: dict[str, str | None], subject: str, date: str,  # type: ignore[override]
               author: str = "Ada Lovelace") -> str:
        return str(super().commit(author, date, subject, files))


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str


def run_cli(args: list[str], cwd: Path, stdin: bytes | None = None, env: dict[str, str] | None = None) -> CliResult:
    """Run the real `python -m fivewhys` in a subprocess (no API key: offline)."""
    base = {k: v for k, v in os.environ.items() if k not in ("ANTHROPIC_API_KEY", "FIVEWHYS_CONFIG")}
    base["HOME"] = str(cwd)  # no user config file leaks in
    base.update(env or {})
    proc = subprocess.run([sys.executable, "-m", "fivewhys", *args], cwd=cwd, input=stdin if stdin is not None else b"",
                          capture_output=True, env=base, timeout=120)
    return CliResult(proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"))



def sample_report(inconclusive: bool = False) -> Report:
    return Report(
        title="TypeError: unsupported operand in total",
        inconclusive=inconclusive,
        classification=Classification(severity="high", type="runtime", observability="intermittent",
                                      fingerprint="abc123"),
        summary=Summary(what="TypeError in total", impact="26 failed checkouts", occurrences=26,
                        first_seen="2026-11-27T11:27:07+00:00", last_seen="2026-11-27T11:39:34+00:00"),
        root_cause=RootCause(
            statement="get_price returns None for uncached SKUs.", confidence=0.9,
            location=Location(file="app/pricing.py", line=18, function="get_price"),
            surfaced_at=Location(file="app/cart.py", line=11, function="total"),
            commit=CommitRef(sha="f" * 40, subject="Return None for SKUs missing from the price cache",
                             author="Dana", date="2026-11-26T16:45:00+00:00"),
            five_whys=["Why? Because.", "Why? Because again."], evidence=["E1", "E2"]),
        evidence=[Evidence(id="E1", kind="stack_frame", source="app/cart.py:11", excerpt="subtotal += price | qty",
                           note="crash frame"),
                  Evidence(id="E2", kind="source", source="app/pricing.py:18", excerpt="return None",
                           note="[bold]not markup[/bold]")],
        immediate_fix=ImmediateFix(summary="Raise for unknown SKUs.", steps=["Change get_price.", "Deploy."],
                                   patch="--- a/x\n+++ b/x\n"),
        testing_strategy=["Test an uncached SKU."],
        preventive_measures=["mypy --strict."],
        monitoring=[MonitoringItem(signal="TypeError rate", query="error.type=TypeError", alert="> 1%")],
        runbook=["Roll back v1.4.0.", "Warm the cache."],
        engine=EngineInfo(name="offline"),
    )
