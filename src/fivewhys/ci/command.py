"""``fivewhys ci``: why the build is red, in one CI step (registered by cli.py as ``ci``).

Light imports only: the CI step must start fast and never pulls in anthropic or langgraph.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import InputError
from .formats import FORMATS

if TYPE_CHECKING:
    from . import summary
    from .model import CiReport


class CiFormat(str, Enum):
    markdown = "markdown"
    json = "json"


def ci_command(
    paths: Annotated[list[str], typer.Argument(help="Result files, globs or folders (searched recursively); raw logs too.")],
    fmt: Annotated[CiFormat, typer.Option("--format", help="markdown (the step summary) or json.")] = CiFormat.markdown,
    summary_file: Annotated[Path | None, typer.Option("--summary", help="Write the output here (default: $GITHUB_STEP_SUMMARY when set, else stdout).")] = None,
    annotate: Annotated[bool | None, typer.Option("--annotations/--no-annotations", help="Print GitHub ::error annotations (default: on when GITHUB_ACTIONS=true).")] = None,
    base: Annotated[str | None, typer.Option("--base", help="Mark failures touching the diff against this ref's merge base (default: GITHUB_BASE_REF, else the remote default branch).")] = None,
    repo: Annotated[Path | None, typer.Option("--repo", help="The git repository (default: the current folder).")] = None,
    input_format: Annotated[str | None, typer.Option("--input-format", help=f"Skip detection: one of {', '.join(FORMATS)}.")] = None,
    fail_on_failures: Annotated[bool, typer.Option("--fail-on-failures", help="Exit 1 when a test failed or a file was unusable.")] = False,
    offline: Annotated[bool, typer.Option("--offline", help="Use the offline knowledge base only (the CI step does today).")] = False,
) -> None:
    """Tell a team why the build is red: group failures by cause, tie them to the change, summarise.

    Reads JUnit XML (all common dialects), NUnit 2/3, xUnit.net v2, TRX, go test -json/-v, TAP,
    Jest/Mocha/RSpec JSON, CTRF and dart/flutter JSON; a job log without results is searched for the
    line that explains the failure. Exit 0 when it ran (the test step already failed the job).
    """
    from ..config import Settings
    from ..redact import RedactOptions, Redactor
    from . import annotations as gh_annotations
    from .run import CiOptions, run_ci

    del offline  # the CI step's root causes come from the offline knowledge base either way
    if input_format is not None and input_format not in FORMATS:
        raise InputError(f"--input-format must be one of: {', '.join(FORMATS)}")
    env = os.environ
    options = CiOptions(paths=paths, input_format=input_format, base=base,
                        github_base_ref=env.get("GITHUB_BASE_REF") or None,
                        repo=(repo or Path.cwd()) if (repo or Path(".git").exists() or base) else None)
    if options.repo is not None and not options.repo.is_dir():
        raise InputError(f"--repo is not a folder: {options.repo}")
    settings = Settings.build({}, project_dir=options.repo or Path.cwd())  # the user's redaction rules
    redactor = Redactor(RedactOptions.from_settings(settings))
    report = run_ci(options, redactor.redact)
    _write(report, fmt, summary_file or _env_path("GITHUB_STEP_SUMMARY"), redactor.redact)
    if annotate if annotate is not None else env.get("GITHUB_ACTIONS") == "true":
        for line in gh_annotations.render(report, redactor.redact):
            typer.echo(line)
    if fail_on_failures and (report.totals.failed or report.totals.errors or _bad_inputs(report)):
        raise typer.Exit(1)


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value) if value else None


def _bad_inputs(report: CiReport) -> bool:
    return any(f.severity == "error" for f in report.findings)


def _write(report: CiReport, fmt: CiFormat, target: Path | None, redact: summary.Redact) -> None:
    from . import summary
    text = (report.model_dump_json(indent=2) + "\n" if fmt is CiFormat.json
            else summary.render(report, redact, _linker()) + "\n")
    if target is None:
        sys.stdout.write(text)
        return
    try:
        # The step summary file is appended to: other steps may have written theirs.
        with target.open("a", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise InputError(f"cannot write {target}: {exc.strerror or exc}") from None


def _linker() -> summary.Links | None:
    server, repo, sha = (os.environ.get(k) for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"))
    if not (server and repo and sha):
        return None

    def link(path: str, line: int | None) -> str | None:
        if path.startswith(("/", "<")) or ":" in path:
            return None
        return f"{server}/{repo}/blob/{sha}/{path}" + (f"#L{line}" if line else "")

    return link
