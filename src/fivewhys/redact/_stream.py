"""Redact a byte stream of any size in bounded memory: blocks of whole lines, one Redactor.

The Redactor keeps its placeholders across blocks, so the output is the same as redacting the
whole text at once, as long as no match spans two blocks. Most rules match within a line; for the
multi-line ones a block ends, by preference, where a paragraph does: after the last blank line or
before the last YAML document separator (``---``) in its last ``PARAGRAPH_BYTES``. Without one
there, it ends at a line end and is extended past its last line:

- while it ends inside an open ``-----BEGIN …`` block (a PEM key), to the ``-----END`` line;
- while its current YAML document (since the last ``---``) says ``kind: Secret``, to the next
  ``---`` (the Secret's ``data:`` may come later, even unindented);
- while the next line continues the last: it is indented (a YAML block value under ``token: |``, a
  Kubernetes ``data:`` map, an ``env`` entry's ``value:``), closes an XML element (``</password>``)
  or follows an open tag, or goes on with a netrc ``machine`` entry (``login``, ``password``).

A paragraph cut that would fall inside a PEM key or a Secret manifest is not taken. Each extension
stops at ``MAX_EXTEND_BYTES``, so a block that never closes cannot grow memory without bound; past
that, the cut-PEM rule redacts the key's first part in its block. A line longer than
``MAX_LINE_BYTES`` is cut (at a space when it has one).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO, TextIO

from fivewhys.errors import InputError
from fivewhys.redact._engine import Redactor

CHUNK_BYTES = 1 << 20
MAX_LINE_BYTES = 16 << 20
MAX_EXTEND_BYTES = 1 << 20
PARAGRAPH_BYTES = 64 << 10
_INDENT = (b" ", b"\t")
# the k8s-secret rule's test and document separator (``_assign``), on bytes
_KIND_SECRET = re.compile(rb"(?im)^\s*kind:\s*['\"]?secret\b")
_DOCUMENT_LINE = re.compile(rb"---(?:[ \t\r\n]|\Z)")  # not a PEM's "-----"
_NETRC_ENTRY = re.compile(rb"(?:^|[ \t])machine[ \t]+\S")
_NETRC_MORE = re.compile(rb"[ \t]*(?:login|password|account|macdef)\b")
_OPEN_TAG = re.compile(rb"<[\w.\-]+>[ \t]*\r?\n\Z")


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
    """Blocks of about ``chunk_bytes`` that end at a paragraph's or a line's end (or the end of the
    stream), so no multi-line match is cut (see the module's docstring)."""
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
            cut = _paragraph_end(block)
            block, carry = (block[:cut], block[cut:]) if cut else _complete(infile, block)
        yield block


def _paragraph_end(block: bytes) -> int:
    """Where the last paragraph in the block's last ``PARAGRAPH_BYTES`` ends: after a blank line or
    before a ``---`` line; 0 when there is none, or it is inside a PEM key or a Secret manifest."""
    window = max(0, len(block) - PARAGRAPH_BYTES)
    cuts = [pos + len(blank) for blank in (b"\n\n", b"\n\r\n") if (pos := block.rfind(blank, window)) >= 0]
    document = _document_start(block, window, len(block))
    cut = max([*cuts, document])
    if cut <= 0 or _pem_open(block, False, cut) or (cut != document and _secret_open(block, cut)):
        return 0
    return cut


def _complete(infile: BinaryIO, block: bytes) -> tuple[bytes, bytes]:
    """``block`` with the lines that belong to its last one; and the first line that does not."""
    parts, size, limit = [block], len(block), len(block) + MAX_EXTEND_BYTES
    in_pem, in_secret = _pem_open(block, False), _secret_open(block, len(block))
    last = block[block.rfind(b"\n", 0, len(block) - 1) + 1:]
    in_netrc = _netrc_open(block)
    while size < limit:
        line = infile.readline(MAX_LINE_BYTES)
        if not line:
            break
        if len(line) == MAX_LINE_BYTES and not line.endswith(b"\n"):
            return b"".join(parts), line  # too long to hold: the next block cuts it between characters
        if in_secret and _DOCUMENT_LINE.match(line):
            in_secret = False
        if not (in_pem or in_secret or _continues(last, line, in_netrc)):
            return b"".join(parts), line
        in_pem = _pem_open(line, in_pem)
        in_netrc = bool(_NETRC_ENTRY.search(line) or (in_netrc and _NETRC_MORE.match(line)))
        parts.append(line)
        size += len(line)
        last = line
    return b"".join(parts), b""


def _continues(last: bytes, line: bytes, in_netrc: bool) -> bool:
    """Whether ``line`` belongs with the ``last`` line before it (see the module's docstring)."""
    return (line.startswith(_INDENT) or line.startswith(b"</") or _OPEN_TAG.search(last) is not None
            or (in_netrc and _NETRC_MORE.match(line) is not None))


def _pem_open(data: bytes, was_open: bool, end: int | None = None) -> bool:
    """Whether a ``-----BEGIN`` block is still open after ``data`` (up to ``end``)."""
    end = len(data) if end is None else end
    begin, last_end = data.rfind(b"-----BEGIN", 0, end), data.rfind(b"-----END", 0, end)
    return begin > last_end or (was_open and last_end < 0)


def _secret_open(data: bytes, end: int) -> bool:
    """Whether the YAML document open at ``end`` (its part in the last ``PARAGRAPH_BYTES``) says
    ``kind: Secret``."""
    start = max(0, end - PARAGRAPH_BYTES)
    start = max(start, _document_start(data, start, end))
    return b"kind" in data[start:end].lower() and _KIND_SECRET.search(data, start, end) is not None


def _document_start(data: bytes, start: int, end: int) -> int:
    """Where the last ``---`` line after a line end in ``data[start:end]`` starts; -1 if none."""
    pos = end
    while True:
        pos = data.rfind(b"\n---", start, pos)
        if pos < 0:
            return -1
        if _DOCUMENT_LINE.match(data, pos + 1):
            return pos + 1
        # "-----BEGIN": keep looking before it


def _netrc_open(block: bytes) -> bool:
    """Whether the block ends inside a netrc ``machine`` entry: its last lines are that entry's."""
    end = len(block)
    for _ in range(3):  # the netrc rule reaches two lines below ``machine``
        start = block.rfind(b"\n", 0, end - 1) + 1
        line = block[start:end]
        if _NETRC_ENTRY.search(line):
            return True
        if start == 0 or not _NETRC_MORE.match(line):
            return False
        end = start
    return False


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
