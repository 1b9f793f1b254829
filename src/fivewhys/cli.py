"""The command line: parse input, call the library, render, map errors to exit codes (here, once).

Exit codes: 0 report written; 2 bad input or usage (one clear line on stderr); 1 internal error (one
line; the traceback only with --debug). The report goes to stdout, progress to stderr.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from . import __version__
from .errors import FivewhysError, InputError
from .shell_io import check_arg, read_stdin, read_text_file, write_atomically

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="fivewhys: find out why something broke. Give it an error, a trace, logs or a sentence.",
                  context_settings={"help_option_names": ["-h", "--help"]})

_state: dict[str, Any] = {"debug": False, "status": None}


class Format(str, Enum):
    terminal = "terminal"
    markdown = "markdown"
    json = "json"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"fivewhys {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")] = False,
) -> None:
    _state["debug"] = debug


@contextlib.contextmanager
def _errors() -> Iterator[None]:
    """The one place errors become exit codes and one-line messages."""
    try:
        yield
    except FivewhysError as exc:
        _stop_status()
        _fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        _stop_status()
        _fail("interrupted", 130)
    except (typer.Exit, typer.Abort, SystemExit):
        raise
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, not a traceback
        _stop_status()
        if _state["debug"]:
            raise
        _fail(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug for the traceback)", 1)


def _fail(message: str, code: int) -> NoReturn:
    typer.echo(f"fivewhys: {message.splitlines()[0] if message else 'error'}", err=True)
    raise typer.Exit(code)


@app.command()
def analyze(
    text: Annotated[list[str] | None, typer.Argument(help="The error, trace or sentence; '-' reads stdin.")] = None,
    repo: Annotated[Path | None, typer.Option(help="Git repository to investigate [default: the one above "
                                                   "the current folder].")] = None,
    log: Annotated[list[Path] | None, typer.Option("--log", "-l", help="Log file or folder (repeatable).")] = None,
    since: Annotated[str | None, typer.Option(help="Start of the window: ISO time or HH:MM.")] = None,
    until: Annotated[str | None, typer.Option(help="End of the window: ISO time or HH:MM.")] = None,
    fmt: Annotated[Format | None, typer.Option("--format", "-f", help="terminal (on a TTY) | markdown | json.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to FILE.")] = None,
    offline: Annotated[bool, typer.Option(help="Use the offline engine even with an API key.")] = False,
    model: Annotated[str | None, typer.Option(help="Claude model id (claude engine).")] = None,
    max_iterations: Annotated[int | None, typer.Option(help="Rounds of the hypothesis loop.")] = None,
    no_redact: Annotated[bool, typer.Option("--no-redact", help="Keep secrets in the report (what is sent to Claude "
                                                                   "is always redacted).")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress on stderr.")] = False,
) -> None:
    """Investigate an incident and print an eight-section root-cause report.

    Words are joined into one text (what a slash command passes as $ARGUMENTS); piped stdin is appended.
    Example: fivewhys analyze "checkout returns 500 since 11:27, see logs/checkout.jsonl"
    """
    with _errors():
        from .analysis import analyze as run
        from .config import Settings
        from .intake import apply_window, parse_incident

        words = list(text or [])
        body = " ".join(w for w in words if w != "-")
        piped = read_stdin(force="-" in words, have_words=bool(body.strip() or log))
        full = "\n".join(part for part in (check_arg(body), piped) if part)
        flags: dict[str, Any] = {"repo": repo, "model": model, "max_iterations": max_iterations,
                                 "engine": "offline" if offline else None, "redact": False if no_redact else None}
        settings = Settings.build(flags)
        if no_redact:
            typer.echo("fivewhys: warning: --no-redact: the report keeps secrets and personal data "
                       "(what is sent to Claude is still redacted)", err=True)
        incident = parse_incident(full, cwd=Path.cwd(), logs=log, repo=repo)
        apply_window(incident, since, until)
        chosen = fmt or (Format.terminal if sys.stdout.isatty() and output is None else Format.markdown)
        report = run(incident, settings, progress=None if quiet else _progress_printer())
        _emit(report, chosen, output, incident.repo)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the report (--format json output)."""
    with _errors():
        import json

        from .report.model import report_json_schema

        typer.echo(json.dumps(report_json_schema(), indent=2))


@app.command()
def frames(
    file: Annotated[str, typer.Argument(help="File with the trace, or '-' for stdin.")] = "-",
    fmt: Annotated[Format | None, typer.Option("--format", "-f", help="terminal | json.")] = None,
) -> None:
    """Extract the stack traces from a text and print them (json: the corpus schema)."""
    with _errors():
        import json

        from .config import Settings
        from .evidence import stacktrace

        raw = read_stdin(force=True, have_words=False) if file == "-" else read_text_file(Path(file))
        settings = Settings.build({})
        trace = stacktrace.apply_project_patterns(stacktrace.extract(raw), settings.app_paths, settings.library_paths)
        if fmt == Format.json:
            typer.echo(json.dumps(stacktrace.to_corpus_json(trace), ensure_ascii=False))
        elif not trace.exceptions:
            typer.echo("no stack trace found")
        else:
            from rich.console import Console

            from .evidence.stacktrace.render import render_trace

            render_trace(trace, Console())


@app.command()
def redact(
    file: Annotated[str, typer.Argument(help="File to redact, or '-' for stdin.")] = "-",
    jsonl: Annotated[bool, typer.Option("--jsonl", help='Read and write JSON lines {"id", "text"}.')] = False,
    show_redactions: Annotated[bool, typer.Option(
        "--show-redactions", help="Then print on stderr how many values were redacted, per kind (never the values).")] = False,
) -> None:
    """Redact secrets and personal data from a text (as fivewhys does before anything leaves the machine).

    Streams: any size of input, in bounded memory. Honours redact_patterns, redact_allow and
    redact_drop_fields from the project config (.fivewhys.toml) and the user config.
    """
    with _errors():
        from . import redact as redaction
        from .config import Settings

        redactor = redaction.Redactor(redaction.RedactOptions.from_settings(Settings.build({})))
        try:
            if jsonl:
                with sys.stdin if file == "-" else open(file, encoding="utf-8") as source:  # noqa: SIM115
                    redaction.redact_jsonl(source, sys.stdout, redactor)
            else:
                with sys.stdin.buffer if file == "-" else open(file, "rb") as raw:  # noqa: SIM115
                    redaction.redact_stream(raw, sys.stdout, redactor, what="stdin" if file == "-" else file)
        except FileNotFoundError:
            raise InputError(f"{file}: no such file") from None
        except OSError as exc:
            raise InputError(f"{file}: cannot read ({exc.strerror or exc})") from None
        except UnicodeDecodeError:
            raise InputError(f"{file}: not UTF-8 text") from None
        if show_redactions:
            typer.echo(_redaction_summary(redactor.findings), err=True)


def _redaction_summary(findings: dict[str, int]) -> str:
    """``redacted 12: aws-access-key 2, EMAIL 7, password 3``: counts per kind, never the values."""
    if not findings:
        return "nothing redacted"
    kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(findings.items(), key=lambda kv: kv[0].lower()))
    return f"redacted {sum(findings.values())}: {kinds}"


@app.command()
def mcp(
    repo: Annotated[Path | None, typer.Option(help="The repository the tools may read [default: the git root "
                                                   "above the current folder].")] = None,
    log: Annotated[list[Path] | None, typer.Option("--log", "-l", help="A log file or folder the tools may "
                                                                       "read (repeatable).")] = None,
    offline: Annotated[bool, typer.Option(help="The analyze tool uses the offline engine.")] = False,
) -> None:
    """Serve fivewhys's tools over MCP (stdio) for coding agents.

    Register it in Claude Code with: claude mcp add fivewhys -- fivewhys mcp --repo . --log logs/
    """
    with _errors():
        from .config import Settings
        from .evidence.git import find_repo_root
        from .intake import parse_incident
        from .mcp_server import Sandbox, serve_stdio

        root = find_repo_root(repo or Path.cwd())
        if repo is not None and root is None:
            raise InputError(f"--repo {repo}: not inside a git repository")
        logs = parse_incident("", cwd=Path.cwd(), logs=log, repo=root).log_paths if log else []
        settings = Settings.build({"repo": root, "engine": "offline" if offline else None})
        serve_stdio(Sandbox(repo=root, logs=logs), settings)


@app.command("install-command")
def install_command(
    user: Annotated[bool, typer.Option("--user", help="Install into ~/.claude/commands/.")] = False,
    project: Annotated[bool, typer.Option("--project", help="Install into ./.claude/commands/ (the default).")] = False,
    force: Annotated[bool, typer.Option(help="Replace a different file of the same name.")] = False,
) -> None:
    """Install the /fivewhys slash command for Claude Code."""
    with _errors():
        from importlib import resources

        if user and project:
            raise InputError("choose one of --user and --project")
        base = Path.home() if user else Path.cwd()
        target = base / ".claude" / "commands" / "fivewhys.md"
        text = (resources.files("fivewhys") / "slash_command.md").read_text(encoding="utf-8")
        if target.exists():
            if target.read_text(encoding="utf-8", errors="replace") == text:
                typer.echo(f"already installed: {target}")
                return
            if not force:
                raise InputError(f"{target} exists and differs; rerun with --force to replace it")
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, text)
        typer.echo(f"installed: {target} (use it as /fivewhys <error or incident>)")


def _progress_printer() -> Any:
    from rich.console import Console

    err = Console(stderr=True)
    if not err.is_terminal:
        return None
    status = err.status("fivewhys: starting")
    status.start()
    _state["status"] = status
    return lambda msg: status.update(f"fivewhys: {msg}")


def _emit(report: Any, fmt: Format, output: Path | None, repo: Path | None) -> None:
    from .report.markdown import render_markdown

    if fmt == Format.json:
        text = report.model_dump_json(indent=2) + "\n"
    elif fmt == Format.markdown or output is not None:
        text = render_markdown(report)
    else:
        from rich.console import Console

        from .report.terminal import render_terminal

        _stop_status()
        render_terminal(report, Console(), repo)
        return
    _stop_status()
    if output is None:
        sys.stdout.write(text)
        return
    write_atomically(output, text, f"--output {output}")


def _stop_status() -> None:
    status, _state["status"] = _state["status"], None
    if status is not None:
        status.stop()


def _register_shells() -> None:
    """Commands that live in their own packages (their modules import nothing heavy at load).

    Each is wrapped so its errors become exit codes here, like every other command's.
    """
    import functools

    from .chat.command import chat_command
    from .ci.command import ci_command
    from .evidence.localize_cli import localize_command

    for name, fn in (("chat", chat_command), ("ci", ci_command), ("localize", localize_command)):
        @functools.wraps(fn)
        def wrapped(*args: Any, __fn: Any = fn, **kwargs: Any) -> None:
            with _errors():
                __fn(*args, **kwargs)

        app.command(name)(wrapped)


_register_shells()


def main() -> None:
    """Console-script entry point."""
    app(prog_name="fivewhys")
