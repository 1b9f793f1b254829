"""The ``fivewhys chat`` command (the lead registers it: ``app.command("chat")(chat_command)``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from .session import ChatInputs, Session
    from .store import Store


def chat_command(
    text: Annotated[list[str] | None, typer.Argument(help="The error, trace or sentence to start from.")] = None,
    resume: Annotated[bool, typer.Option(
        "--resume", help="Continue a stored session: --resume [ID] (no ID: the latest).")] = False,
    list_: Annotated[bool, typer.Option("--list", help="List the stored sessions and exit.")] = False,
    repo: Annotated[Path | None, typer.Option(help="Git repository to investigate [default: the one above "
                                                   "the current folder].")] = None,
    log: Annotated[list[Path] | None, typer.Option("--log", "-l", help="Log file or folder (repeatable).")] = None,
    since: Annotated[str | None, typer.Option(help="Start of the window: ISO time or HH:MM.")] = None,
    until: Annotated[str | None, typer.Option(help="End of the window: ISO time or HH:MM.")] = None,
    offline: Annotated[bool, typer.Option(help="Use the offline engine even with an API key.")] = False,
    model: Annotated[str | None, typer.Option(help="Claude model id (claude engine).")] = None,
) -> None:
    """Investigate an incident and talk to the investigation: slash commands, questions, new evidence.

    The analysis runs as with `fivewhys analyze`, then you can ask: /frames, /logs PATTERN, /timeline ID,
    /blame FILE:LINE, /commit SHA, /suspects, /hypotheses, /why, /evidence N, /report [markdown|json] [FILE],
    /redact on|off, /cost, /help, /quit. With Claude, free text is a follow-up question that may use
    every tool; offline, it runs the nearest command or re-runs the analysis with it as new evidence.
    Sessions are stored under $XDG_STATE_HOME/fivewhys (or $FIVEWHYS_STATE_DIR).
    Without a terminal, stdin is a script: one command per line, answers on stdout.
    Example: fivewhys chat "checkout returns 500 since 11:27, see logs/checkout.jsonl"
    """
    from ..cli import _errors
    from ..shell_io import check_arg

    with _errors():
        from .repl import Terminal, first_analysis, is_interactive, resumed, run
        from .session import ChatInputs, Session
        from .store import Store, state_dir

        store = Store(state_dir())
        try:
            if list_:
                typer.echo(_listing(store))
                return
            if resume:
                # the ID rides in as the first word: a flag with an optional value is not typer's
                wanted = (text or ["last"])[0]
                row = store.latest() if wanted == "last" else store.get(wanted)
                if row is None:
                    raise _no_session(wanted)
                session = Session.resume(store, row.id)
                start = resumed(session)
            else:
                inputs = ChatInputs(text=check_arg(" ".join(text or [])), cwd=str(Path.cwd()),
                                    logs=[str(p) for p in log or []], repo=str(repo) if repo else None,
                                    since=since, until=until, offline=offline, model=model)
                session = _new(store, inputs)
                start = first_analysis(session)
            import sys

            code = run(session, Terminal(is_interactive(), sys.stdin, sys.stdout, sys.stderr), start)
        finally:
            store.close()
        raise typer.Exit(code)


def _new(store: Store, inputs: ChatInputs) -> Session:
    """Check the input before a session is stored, so a typo leaves no empty session behind."""
    from .session import Session, build_incident

    build_incident(inputs, inputs.text)  # raises InputError (exit 2): empty text, a missing path, a bad --since
    return Session.start(store, inputs)


def _no_session(wanted: str) -> Exception:
    from ..errors import InputError

    if wanted == "last":
        return InputError("no stored chat sessions yet; start one with: fivewhys chat \"what broke\"")
    return InputError(f"no chat session {wanted!r} (fivewhys chat --list shows them)")


def _listing(store: Store) -> str:
    rows = store.sessions()
    if not rows:
        return f"no chat sessions in {store.path.parent}"
    lines = [f"{'id':<22} {'updated':<20} {'inputs':>6}  title"]
    for r in rows:
        title = r.title or (r.inputs.get("text") or "(no report yet)").splitlines()[0][:60]
        lines.append(f"{r.id:<22} {r.updated[:19].replace('T', ' '):<20} {r.turns:>6}  {title}")
    return "\n".join(lines)
