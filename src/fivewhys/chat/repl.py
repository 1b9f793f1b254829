"""The input loop: a terminal with history and completion, or a pipe with one command per line.

On a TTY: readline history (kept in the state dir) and tab completion of commands and evidence ids,
a spinner on stderr while a step runs; Ctrl-C cancels the running step (or, at the prompt, is ignored
with a hint); Ctrl-D leaves. Without a TTY: each line read is echoed as ``> line``, then its answer,
plain, on stdout; progress goes to stderr; end of input leaves. Every line typed and every answer is
stored before it is shown.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from ..errors import FivewhysError
from .commands import COMMANDS, ChatIO, dispatch, headline
from .session import Progress, Session

PROMPT = "fivewhys> "


class Terminal:
    """Reading and writing for one mode (TTY or pipe)."""

    def __init__(self, interactive: bool, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> None:
        self.interactive, self.stdin, self.stdout, self.stderr = interactive, stdin, stdout, stderr
        self._status: Any = None

    def read(self, prompt: str = PROMPT) -> str:
        """One line; EOFError at the end of input (Ctrl-D)."""
        if self.interactive:
            return input(prompt)
        line = self.stdin.readline()
        if not line:
            raise EOFError
        line = line.rstrip("\n")
        self.say(f"{prompt.strip()} {line}".rstrip() if prompt != PROMPT else f"> {line}")
        return line

    def say(self, text: str) -> None:
        if text:
            print(text, file=self.stdout, flush=True)

    def note(self, text: str) -> None:
        """Progress and hints: stderr, so a script's stdout holds only answers."""
        print(text, file=self.stderr, flush=True)

    def confirm(self, question: str) -> bool:
        try:
            return self.read(question).strip().lower() in ("y", "yes")
        except EOFError:
            return False

    @contextmanager
    def working(self) -> Iterator[Progress]:
        """A progress callback for one step: a spinner on a TTY, finished nodes as lines on a pipe."""
        if not self.interactive:
            yield lambda msg: self.note(f"fivewhys: {msg}") if msg.startswith("done:") else None
            return
        from rich.console import Console

        status = Console(file=self.stderr).status("working")
        status.start()
        try:
            yield lambda msg: status.update(msg)
        finally:
            status.stop()


def run(session: Session, term: Terminal, start: Callable[[Progress], str] | None) -> int:
    """Run ``start`` (the first analysis, or a resume) and then the loop until /quit or end of input."""
    if term.interactive:
        _readline(session)
        # In a terminal, Ctrl-C cancels a step; a parent that started us with SIGINT ignored (a
        # background job of a non-interactive shell) must not take that away from the person typing.
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if start is not None:
        _step(session, term, start)
    io = ChatIO(progress=lambda _m: None, confirm=term.confirm)
    while True:
        try:
            line = term.read()
        except EOFError:
            _show(session, term, COMMANDS["quit"].run(session, [], io))
            return 0
        except KeyboardInterrupt:
            term.note("\n(Ctrl-C cancels a running step; Ctrl-D or /quit leaves)")
            continue
        if not line.strip():
            continue
        session.record("user", line)
        if _step(session, term, lambda progress: _dispatch(session, line, progress, term)) == "quit":
            return 0


class _Quit(Exception):
    """Raised inside a step to end the loop after its reply was shown."""


def _dispatch(session: Session, line: str, progress: Progress, term: Terminal) -> str:
    reply = dispatch(session, line, ChatIO(progress=progress, confirm=term.confirm))
    if reply.quit:
        raise _Quit(reply.text)
    return reply.text


def _step(session: Session, term: Terminal, fn: Callable[[Progress], str]) -> str:
    """Run one step under a spinner; Ctrl-C cancels it and the session goes on."""
    try:
        with term.working() as progress:
            text = fn(progress)
    except KeyboardInterrupt:
        text = "cancelled (the session goes on; /rerun runs an interrupted analysis again)"
    except _Quit as done:
        _show(session, term, str(done))
        return "quit"
    except FivewhysError as exc:
        text = f"error: {exc}"
    except Exception as exc:  # noqa: BLE001 - one failed step must not end the session (--debug re-raises)
        from ..cli import _state

        if _state["debug"]:
            raise
        text = f"error: internal error: {type(exc).__name__}: {exc} (the session goes on)"
    _show(session, term, text)
    return "ok"


def _show(session: Session, term: Terminal, text: str) -> None:
    session.record("fivewhys", text)  # stored first: a crash after this loses nothing shown
    term.say(text)


def first_analysis(session: Session) -> Callable[[Progress], str]:
    def start(progress: Progress) -> str:
        session.record("user", session.text)
        return f"session {session.id}\n" + headline(session.analyze(progress))
    return start


def resumed(session: Session) -> Callable[[Progress], str]:
    def start(progress: Progress) -> str:
        lines = session.store.transcript(session.id)
        intro = f"resumed session {session.id} ({sum(1 for x in lines if x.role == 'user')} inputs so far)"
        if session.interrupted:
            return intro + "\nthe last analysis was interrupted; continued it from its last checkpoint\n" \
                + headline(session.finish_interrupted(progress))
        return intro + "\n" + headline(session.report_or_raise())
    return start


# ---------------------------------------------------------------- readline
def _readline(session: Session) -> None:
    """History and completion where the terminal allows (readline is missing on some platforms)."""
    try:
        import readline
    except ImportError:
        return
    history = session.store.path.parent / "history"
    try:
        readline.read_history_file(history)
    except OSError:
        pass
    readline.set_history_length(1000)
    import atexit

    atexit.register(_save_history, readline, history)
    readline.set_completer_delims(" \t\n")
    readline.set_completer(_completer(session))
    readline.parse_and_bind("tab: complete")


def _save_history(readline: Any, history: Path) -> None:
    try:
        readline.write_history_file(history)
    except OSError:
        pass


def _completer(session: Session) -> Callable[[str, int], str | None]:
    def options(text: str) -> list[str]:
        import readline

        words = readline.get_line_buffer().split()
        if len(words) <= 1 and not readline.get_line_buffer().endswith(" "):
            return [f"/{name}" for name in COMMANDS if f"/{name}".startswith(text)]
        if words and words[0] == "/evidence" and session.state is not None:
            return [e.id for e in session.state.evidence if e.id.startswith(text.upper())]
        if words and words[0] in ("/report", "/redact"):
            choices = ["markdown", "json"] if words[0] == "/report" else ["on", "off"]
            return [c for c in choices if c.startswith(text)]
        return []

    def complete(text: str, state: int) -> str | None:
        found = options(text)
        return found[state] if state < len(found) else None

    return complete


def is_interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()
