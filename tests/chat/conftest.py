"""Drive `python -m fivewhys.chat` the way a person does: in a pseudo-terminal, or with a piped script."""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from helpers import CliResult

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\x1b[()][A-Z0-9]|\r")
# the child takes the pty as its controlling terminal, so Ctrl-C typed there is a real SIGINT
_CHILD = ("import fcntl, termios, runpy; fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
          "runpy.run_module('fivewhys.chat', run_name='__main__')")


def chat_env(tmp: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ANTHROPIC_", "FIVEWHYS_", "XDG_")) and k != "TERM"}
    env.update(HOME=str(tmp), FIVEWHYS_STATE_DIR=str(tmp / "state"), TERM="xterm", COLUMNS="160", LINES="40")
    env.update(extra or {})
    return env


class Screen:
    """A chat process on a pty: type keys, wait for text to show up (ANSI codes stripped)."""

    def __init__(self, args: list[str], cwd: Path, env: dict[str, str]) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))
        self.proc = subprocess.Popen([sys.executable, "-c", _CHILD, *args], cwd=cwd, env=env, stdin=slave,
                                     stdout=slave, stderr=slave, start_new_session=True, close_fds=True)
        os.close(slave)
        self.text = ""

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def expect(self, needle: str, timeout: float = 20.0) -> str:
        """Wait until `needle` is on the screen after what earlier expects consumed; return the screen."""
        deadline = time.monotonic() + timeout
        while needle not in self.text:
            if time.monotonic() > deadline or not self._read(deadline - time.monotonic()):
                raise AssertionError(f"{needle!r} never showed up; the screen:\n{self.text[-3000:]}")
        shown, cut = self.text, self.text.index(needle) + len(needle)
        self.text = self.text[cut:]
        return shown

    def _read(self, wait: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], max(0.0, min(wait, 1.0)))
        if not ready:
            return self.proc.poll() is None or wait > 0
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # the child closed the pty
            return False
        self.text += ANSI.sub("", chunk.decode("utf-8", "replace"))
        return bool(chunk)

    def wait(self, timeout: float = 15.0) -> int:
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            self._read(0.2)
        return self.proc.wait(timeout=1)

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        os.close(self.master)


@pytest.fixture
def screen(tmp_path: Path) -> Iterator[Callable[..., Screen]]:
    opened: list[Screen] = []

    def start(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> Screen:
        s = Screen(args, cwd, chat_env(tmp_path, env))
        opened.append(s)
        return s

    yield start
    for s in opened:
        s.close()


@pytest.fixture
def piped(tmp_path: Path) -> Callable[..., CliResult]:
    """Run the chat with a script on stdin (no TTY): answers on stdout, progress on stderr."""

    def run(args: list[str], script: str, cwd: Path, env: dict[str, str] | None = None) -> CliResult:
        proc = subprocess.run([sys.executable, "-m", "fivewhys.chat", *args], cwd=cwd, input=script.encode(),
                              capture_output=True, env=chat_env(tmp_path, env), timeout=120)
        return CliResult(proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"))

    return run
