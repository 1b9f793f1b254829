"""``fivewhys localize``: rank the places a fix may go for a stack trace, as JSON or a table.

The lead registers it with ``app.command("localize")(localize_command)``. Importing this module
loads typer and pydantic only (never anthropic or langgraph); rich loads when a table is printed.
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import InputError

if TYPE_CHECKING:  # the parsers load when the command runs, not when the CLI starts
    from .localize import SuspectLocation


class LocalizeFormat(str, Enum):
    """Output formats of ``fivewhys localize``."""

    table = "table"
    json = "json"


def localize_command(
    file: Annotated[str, typer.Argument(help="File with the stack trace, or '-' for stdin.")] = "-",
    fmt: Annotated[LocalizeFormat, typer.Option("--format", "-f", help="table | json.")] = LocalizeFormat.table,
    repo: Annotated[Path | None, typer.Option("--repo", help="Git repository to read source and history from.")] = None,
    app_prefix: Annotated[list[str] | None, typer.Option(
        "--app-prefix", help="Namespace or path prefix of your own code; repeatable. Inferred when absent.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many locations.")] = 20,
) -> None:
    """Rank the places a fix may go for a stack trace: where the bad value was made, not just where it failed."""
    from ..cli import _errors  # the one place errors become exit codes; imported late to avoid a cycle

    with _errors():
        text = _read(file)
        locations = localize_text(text, repo=repo, app_prefixes=app_prefix, limit=limit)
        if fmt is LocalizeFormat.json:
            typer.echo(render_json(locations))
        else:
            render_table(locations)


def localize_text(text: str, *, repo: Path | None = None, app_prefixes: list[str] | None = None,
                  limit: int = 20) -> list[SuspectLocation]:
    """Extract the traces in ``text`` and rank their suspicious locations (empty when none is found)."""
    if repo is not None and not repo.is_dir():
        raise InputError(f"{repo}: no such directory (--repo)")
    from .localize import localize
    from .stacktrace import extract

    return localize(extract(text), repo=repo, app_prefixes=app_prefixes, limit=limit)


def render_json(locations: list[SuspectLocation]) -> str:
    """``{"locations": [{file, class, function, line, score, reason}, ...]}``, best first."""
    return json.dumps({"locations": [loc.to_json() for loc in locations]}, ensure_ascii=False)


def render_table(locations: list[SuspectLocation], console: object | None = None) -> None:
    """A readable table on stdout (or the given rich Console)."""
    from rich.console import Console
    from rich.table import Table

    out = console if isinstance(console, Console) else Console()
    if not locations:
        out.print("no application frame found in the input")
        return
    table = Table("#", "score", "location", "reason", title="Where the fix may go", expand=True)
    for n, loc in enumerate(locations, start=1):
        where = f"{loc.class_name + '.' if loc.class_name else ''}{loc.function}\n{loc.file or '?'}:{loc.line or '?'}"
        table.add_row(str(n), f"{loc.score:.2f}", where, loc.reason)
    out.print(table)


def _read(file: str) -> str:
    """The input text, strictly UTF-8, through the CLI's readers (bad input -> InputError, exit 2)."""
    from ..shell_io import read_stdin, read_text_file

    text = read_stdin(force=True, have_words=False) if file == "-" else read_text_file(Path(file))
    if not text.strip():
        raise InputError(f"{'stdin' if file == '-' else file} is empty: give a stack trace")
    return text
