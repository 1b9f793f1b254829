"""Reading what a shell is handed: the text argument, piped stdin, a named file — strictly, once.

Piped stdin is read only when it is not a terminal (or '-' asks for it), up to a size limit, and
decoded as UTF-8; binary or non-UTF-8 data is an InputError (one line, exit 2), never a traceback.
An inherited idle pipe does not hang a command that already has words: it waits a moment for data.
"""

from __future__ import annotations

import os
import select
import sys
from pathlib import Path
from typing import Any

from .errors import InputError

MAX_STDIN_BYTES = 64 * 1024 * 1024
STDIN_WAIT_S = 1.0


def check_arg(text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError("the text argument is not valid UTF-8") from None
    if "\0" in text:
        raise InputError("the text argument contains NUL bytes (binary data?)")
    return text


def read_stdin(force: bool, have_words: bool) -> str:
    """Stdin when piped (or '-'): all of it up to a size limit, decoded strictly as UTF-8."""
    stream = sys.stdin
    if stream is None or (stream.isatty() and not force):
        return ""
    if have_words and not force and not _stdin_ready(stream):
        return ""
    data = stream.buffer.read(MAX_STDIN_BYTES + 1) if hasattr(stream, "buffer") else stream.read().encode()
    if len(data) > MAX_STDIN_BYTES:
        raise InputError(f"stdin is larger than {MAX_STDIN_BYTES // 2**20} MiB; save it to a file and pass --log FILE")
    return decode(data, "stdin")


def _stdin_ready(stream: Any) -> bool:
    """Piped words plus an idle inherited pipe must not hang: wait briefly for data on a pipe."""
    try:
        fd = stream.fileno()
        if not os.isatty(fd) and os.path.isfile(f"/proc/self/fd/{fd}"):
            return True
        ready, _, _ = select.select([fd], [], [], STDIN_WAIT_S)
        return bool(ready)
    except (OSError, ValueError):
        return False


def read_text_file(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    return decode(data, str(path))


_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))  # keep tab, newlines, form feed, ESC


def looks_binary(head: bytes) -> bool:
    """Binary data, not text with a stray control character: several NULs, or many control bytes.

    A log line or a pasted trace can carry a NUL or an ANSI colour code and is still text (it is
    analysed as data); an executable, an image or a compressed file is not."""
    if head.count(b"\0") >= 2:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL))
    return bool(head) and controls / len(head) > 0.10


def decode(data: bytes, what: str) -> str:
    """Strict UTF-8 text, or an InputError that says what to do (binary data, another encoding)."""
    if looks_binary(data[:8192]):
        raise InputError(f"{what} is binary data, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{what} is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                         f"convert it first, e.g. iconv -f latin1 -t utf-8") from None


def write_atomically(path: Path, text: str, shown: str | None = None) -> None:
    """Write text to path through a temporary file and a rename: never a partial file."""
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"{shown or path}: cannot write ({exc.strerror})") from None
