"""Redact a byte stream of any size in bounded memory: blocks of whole lines, one Redactor.

The Redactor keeps its placeholders across blocks, so the output is the same as redacting the
whole text at once, as long as no match spans two blocks. Most rules match within a line; for the
multi-line ones a block is extended past its last line:

- while it ends inside an open ``-----BEGIN …`` block (a PEM key), to the ``-----END`` line;
- while the next line is indented (a YAML block value under ``token: |``, a Kubernetes ``data:``
  map, an ``env`` entry's ``value:``, a netrc entry).

Each extension stops at ``MAX_EXTEND_BYTES``, so a block that never closes cannot grow memory
without bound; past that, the cut-PEM rule redacts the key's first part in its block. A line
longer than ``MAX_LINE_BYTES`` is cut (at a space when it has one).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO, TextIO

from fivewhys.errors import InputError
from fivewhys.redact._engine import Redactor

CHUNK_BYTES = 1 << 20
MAX_LINE_BYTES = 16 << 20
MAX_EXTEND_BYTES = 1 << 20
_INDENT = (b" ", b"\t")


def redact_stream(infile: BinaryIO, outfile: TextIO, redactor: Redactor | None = None, what: str = "stdin",
                  chunk_bytes: int = CHUNK_BYTES) -> None:
    """Redact UTF-8 text from ``infile`` to ``outfile`` block by block, writing as it goes.

    Args:
        infile: a binary stream (a file opened ``rb``, ``sys.stdin.buffer``).
        outfile: where the redacted text goes.
        redactor: the Redactor to use (its ``findings`` then count this stream); None: a fresh one.
        what: how error messages name the input (``stdin``, the file name).
        chunk_bytes: the size of a block before it is completed to whole lines.

    Raises:
        InputError: binary data (judged on the first block) or text that is not UTF-8.
    """
    redactor = Redactor() if redactor is None else redactor
    for text in text_blocks(infile, what, chunk_bytes):
        outfile.write(redactor.redact(text))


def text_blocks(infile: BinaryIO, what: str = "stdin", chunk_bytes: int = CHUNK_BYTES) -> Iterator[str]:
    """The stream's blocks of whole lines, decoded strictly as UTF-8 (see ``redact_stream``)."""
    from fivewhys.shell_io import looks_binary

    offset = 0
    for block in line_blocks(infile, chunk_bytes):
        if offset == 0 and looks_binary(block[:8192]):
            raise InputError(f"{what} is binary data, not text")
        try:
            text = block.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"{what} is not UTF-8 text (byte 0x{block[exc.start]:02x} at offset "
                             f"{offset + exc.start}); convert it first, e.g. iconv -f latin1 -t utf-8") from None
        offset += len(block)
        yield text


def line_blocks(infile: BinaryIO, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
    """Blocks of about ``chunk_bytes`` that end at a line end (or the end of the stream), each
    extended so no PEM block and no run of indented lines is cut."""
    carry = b""
    while True:
        block = carry + infile.read(chunk_bytes) if len(carry) < chunk_bytes else carry
        if not block:
            return
        carry = b""
        if not block.endswith(b"\n"):
            rest = infile.readline(MAX_LINE_BYTES)
            block += rest
            if len(rest) == MAX_LINE_BYTES and not rest.endswith(b"\n"):
                cut = _line_cut(block)
                yield block[:cut]
                carry = block[cut:]
                continue
        if block.endswith(b"\n"):
            block, carry = _complete(infile, block)
        yield block


def _complete(infile: BinaryIO, block: bytes) -> tuple[bytes, bytes]:
    """``block`` with the lines that belong to its last one; and the first line that does not."""
    parts, size, limit = [block], len(block), len(block) + MAX_EXTEND_BYTES
    in_pem = _pem_open(block, False)
    while size < limit:
        line = infile.readline(MAX_LINE_BYTES)
        if not line:
            break
        if not in_pem and not line.startswith(_INDENT):
            return b"".join(parts), line
        in_pem = _pem_open(line, in_pem)
        parts.append(line)
        size += len(line)
    return b"".join(parts), b""


def _pem_open(data: bytes, was_open: bool) -> bool:
    """Whether a ``-----BEGIN`` block is still open after ``data``."""
    begin, end = data.rfind(b"-----BEGIN"), data.rfind(b"-----END")
    return begin > end or (was_open and end < 0)


def _line_cut(block: bytes) -> int:
    """Where to cut a line too long to hold: after its last space or tab (in its second half), else
    before its last character (which may be incomplete)."""
    line = block.rfind(b"\n") + 1
    space = max(block.rfind(b" ", line), block.rfind(b"\t", line))
    if space >= (line + len(block)) // 2:
        return space + 1
    last = len(block) - 1
    while last > line and block[last] & 0xC0 == 0x80:  # UTF-8 continuation bytes: back to the lead byte
        last -= 1
    return len(block) if block[last] < 0x80 or last == 0 else last
