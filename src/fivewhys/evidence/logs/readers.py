"""Read a log file of any supported format as a stream of `LogRecord`s in bounded memory.

A file's layouts are detected from a sample of its first lines. A line that one of them accepts
starts a record; a line none accepts, after a record, is a continuation of it (stack traces,
multi-line messages). A line that starts like JSON but is not, or any unrecognised line before the
first record, is kept as a text record and counted in `unparsed_lines` — never fatal.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from fivewhys.errors import InputError
from fivewhys.evidence.logs.layouts import FIRST_BYTES, LAYOUTS, LineParser, Parsed
from fivewhys.evidence.logs.light import LEAN, LeanLine, Light
from fivewhys.evidence.logs.model import LogRecord

SAMPLE_LINES = 200
"""Lines sampled to detect a file's layouts."""
MAX_RECORD_LINES = 2000
"""A record longer than this is cut into several (bounded memory on a runaway continuation)."""
_CHUNK = 1 << 16


def is_gzip(path: Path) -> bool:
    """Whether the file is gzip-compressed (by magic bytes, whatever its name)."""
    with path.open("rb") as fh:
        return fh.read(2) == b"\x1f\x8b"


def _head(path: Path, size: int = 8192) -> bytes:
    """The first `size` bytes of the (decompressed) file; whatever a truncated gzip gives."""
    if not is_gzip(path):
        with path.open("rb") as fh:
            return fh.read(size)
    data = b""
    try:
        with gzip.open(path, "rb") as gz:
            while len(data) < size:
                chunk = gz.read1(size - len(data))
                if not chunk:
                    break
                data += chunk
    except (EOFError, OSError, zlib.error):
        pass
    return data


def check_readable(path: Path) -> None:
    """Raise InputError when the path is missing, a directory, or a binary (non-log) file."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a log")
    if b"\0" in _head(path):
        raise InputError(f"{path}: binary file, not a log")


def decode(line: bytes) -> str:
    """Bytes of one line → text without the line ending; invalid UTF-8 becomes U+FFFD."""
    return line.decode("utf-8", "replace").rstrip("\r\n")


class LogReader:
    """One log file, opened for streaming. Iterate it for records; read counters afterwards.

    Attributes:
        path: the file.
        layouts: names of the detected layouts, best first (empty: plain text, no layout).
        unparsed_lines: lines kept as plain text records because no layout accepted them.
        warnings: problems that did not stop reading (a truncated gzip ...).
    """

    def __init__(self, path: Path) -> None:
        check_readable(path)
        self.path = path
        self.unparsed_lines = 0
        self.warnings: list[str] = []
        self.reference = datetime.fromtimestamp(path.stat().st_mtime)
        self.layouts = detect_layouts(decode(b) for b in _head(path, 1 << 18).split(b"\n")[:SAMPLE_LINES])
        self._parsers: list[LineParser] = [LAYOUTS[name] for name in self.layouts]

    def parse_line(self, line: str) -> Parsed | None:
        """The parts of a record's first line, or None when `line` is a continuation."""
        ref = self.reference
        for parser in self._parsers:
            parsed = parser(line, ref)
            if parsed is not None:
                return parsed
        return None

    def _continues(self, text: str) -> bool:
        """Whether an unparsed line continues the record before it.

        Not in a file with no layout (each line is a record), nor a line that starts like JSON in a
        JSON-lines file (a broken record, not part of the previous one).
        """
        if not self.layouts:
            return False
        return not (self.layouts[0] == "json" and text.startswith("{"))

    def is_record_start(self, text: str) -> bool:
        """Whether a line starts a record (the same rule `records()` applies)."""
        if self.layouts and self.layouts[0] == "json" and text.startswith("{"):
            return True  # a JSON line, parsed or broken, always starts a record
        return self.parse_line(text) is not None or (bool(text.strip()) and not self._continues(text))

    def lines(self) -> Iterator[bytes]:
        """The file's raw lines (with endings); a damaged gzip ends early with a warning."""
        if not is_gzip(self.path):
            with self.path.open("rb") as fh:
                yield from fh
            return
        yield from self._gzip_lines()

    def _gzip_lines(self) -> Iterator[bytes]:
        rest = b""
        try:
            with gzip.open(self.path, "rb") as gz:
                while chunk := gz.read1(_CHUNK):
                    *complete, rest = (rest + chunk).split(b"\n")
                    for line in complete:
                        yield line + b"\n"
        except (EOFError, OSError, zlib.error) as exc:
            self.warnings.append(f"{self.path}: gzip stream damaged or truncated ({exc}); read what it could")
        if rest:
            yield rest

    def __iter__(self) -> Iterator[LogRecord]:
        return self.records()

    def records(self) -> Iterator[LogRecord]:
        """Stream the file's records in file order."""
        for light in self.light_records():
            yield light.to_record()

    def light_records(self, lean: bool = False) -> Iterator[Light]:
        """The same records as `records()`, as lazily parsed `Light` records.

        Args:
            lean: read the timestamp and level of common lines straight from their bytes (see
                light.py); message and fields are parsed only when read. Same records either way.
        """
        assembler = Assembler(self, lean)
        for number, raw in enumerate(self.lines(), 1):
            done = assembler.feed(number, raw)
            if done is not None:
                yield done
        done = assembler.finish()
        if done is not None:
            yield done


class Assembler:
    """Turns a file's lines, fed one at a time in order, into records (the rule of `light_records`).

    The block scanner (blocks.py) feeds only the lines it cannot summarise in bulk, so the record
    boundaries, continuation lines and counters stay exactly those of a line-by-line read.
    """

    def __init__(self, reader: LogReader, lean: bool) -> None:
        self.reader = reader
        self.builder = RecordBuilder(reader.path, reader.parse_line)
        self.quick = LEAN.get(reader.layouts[0]) if lean and len(reader.layouts) == 1 else None
        starts = FIRST_BYTES.get(reader.layouts[0]) if len(reader.layouts) == 1 else None
        self.never_starts: frozenset[int] = frozenset(
            set(range(128)) - set(starts) if starts is not None else ())
        """First bytes of lines that cannot start a record of this file (they continue one)."""

    def feed(self, number: int, raw: bytes) -> Light | None:
        """Read line `number` (1-based, with its ending); the record it closes, if any."""
        builder, reader = self.builder, self.reader
        known = self.quick(raw) if self.quick is not None else None
        if known is not None:
            done = builder.close()
            builder.start_lean(number, decode(raw), known)
            return done
        text = decode(raw)
        parsed = reader.parse_line(text) if text.strip() else None
        if parsed is None and builder.open and reader._continues(text) and builder.continue_with(number, text):
            return None
        done = builder.close()
        if parsed is None:
            if text.strip():
                reader.unparsed_lines += 1
                builder.start(number, text, Parsed(None, None, text))
            return done
        builder.start(number, text, parsed)
        return done

    def feed_continuations(self, number: int, raws: list[bytes]) -> list[Light]:
        """Feed lines `number`, `number + 1`, ... (without endings), each starting with a byte of
        `never_starts`: appended in one step when they surely continue the open record (else fed
        one by one). The records they close, in order."""
        joined = b"\n".join(raws)
        if self.builder.open and joined.isascii() and b"\r" not in joined:
            texts = joined.decode().split("\n")
            if all(map(str.strip, texts)) and self.builder.extend(texts):
                return []
        closed = [self.feed(n, raw + b"\n") for n, raw in enumerate(raws, number)]
        return [light for light in closed if light is not None]

    def finish(self) -> Light | None:
        """The last record, once every line was fed."""
        return self.builder.close()


class RecordBuilder:
    """Accumulates a record's first line and its continuation lines."""

    def __init__(self, path: Path, parse: Callable[[str], Parsed | None] | None = None) -> None:
        self.path = path
        self.open = False
        self._parse = parse or (lambda text: None)
        self._start = 0
        self._parsed: Parsed | None = None
        self._lean: LeanLine | None = None
        self._lines: list[str] = []
        self._blank = 0

    def start(self, number: int, text: str, parsed: Parsed) -> None:
        self.open, self._start, self._parsed, self._lean, self._lines, self._blank = (
            True, number, parsed, None, [text], 0)

    def start_lean(self, number: int, text: str, known: LeanLine) -> None:
        """Start a record whose timestamp and level a lean classifier read (parsed on demand)."""
        self.open, self._start, self._parsed, self._lean, self._lines, self._blank = (
            True, number, None, known, [text], 0)

    @property
    def first_line(self) -> str | None:
        """The first line of the record being built, if one is open."""
        return self._lines[0] if self.open else None

    def continue_with(self, number: int, text: str) -> bool:
        """Append a continuation line; False when the record is full (start a new one)."""
        if not text.strip():
            self._blank += 1  # kept only if more continuation follows
            return True
        if len(self._lines) + self._blank >= MAX_RECORD_LINES:
            return False
        self._lines.extend([""] * self._blank)
        self._blank = 0
        self._lines.append(text)
        return True

    def extend(self, texts: list[str]) -> bool:
        """Append non-blank continuation lines at once; False (nothing appended) when they would
        not all fit in the record (then `continue_with` each)."""
        if len(self._lines) + self._blank + len(texts) > MAX_RECORD_LINES:
            return False
        if self._blank:
            self._lines.extend([""] * self._blank)
            self._blank = 0
        self._lines.extend(texts)
        return True

    def close(self) -> Light | None:
        if not self.open:
            return None
        self.open = False
        parsed, known = self._parsed, self._lean
        if known is not None:
            light = Light(self.path, self._start, known[0], known[1], self._lines, None, self._parse)
            light.sig, light.hint, light.first_message = known[2], known[3], known[4]
            return light
        if parsed is None:
            return None
        return Light(self.path, self._start, parsed.timestamp, parsed.level, self._lines, parsed, self._parse)


def detect_layouts(sample: Iterator[str] | list[str]) -> list[str]:
    """Names of the layouts that accept at least one sampled line, most lines first.

    Args:
        sample: the first lines of a file.

    Returns:
        Layout names; empty when none applies (the file is read as plain text lines).
    """
    ref = datetime.now()
    counts: dict[str, int] = {}
    for line in sample:
        if not line.strip():
            continue
        for name, parser in LAYOUTS.items():
            if parser(line, ref) is not None:
                counts[name] = counts.get(name, 0) + 1
                break
    order = list(LAYOUTS)
    return sorted(counts, key=lambda n: (-counts[n], order.index(n)))


def open_log(path: Path) -> LogReader:
    """Open a log for streaming; detects the layout and checks it is not binary.

    Args:
        path: a plain or gzip-compressed log file.

    Returns:
        A LogReader; iterate it for records.

    Raises:
        InputError: the path is missing, a directory, or a binary file.
    """
    return LogReader(path)


def read_records(path: Path) -> Iterator[LogRecord]:
    """Stream the records of one log file in file order, in bounded memory.

    Args:
        path: a plain or gzip-compressed log file of any supported layout.

    Returns:
        An iterator of records; an empty file yields none.

    Raises:
        InputError: the path is missing, a directory, or a binary file.
    """
    return open_log(path).records()
