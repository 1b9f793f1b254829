"""Safe, streaming XML: expat with every DTD entity refused, yielding elements as they close.

Results files are untrusted. Expat never fetches external entities by itself, but it does expand
internal ones (billion laughs) and would pass external references to a handler. Here any entity
declaration stops the parse with ``HostileXML`` before a single entity can be expanded, external
references are refused, and an undeclared ``&name;`` is a plain well-formedness error.
"""

from __future__ import annotations

import io
import re
import xml.parsers.expat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO
from xml.etree.ElementTree import Element

CHUNK = 1 << 16


class HostileXML(Exception):
    """The document declares entities or references external ones; it is never resolved."""


class BadXML(Exception):
    """The document is not well-formed (or empty); ``line`` is where expat stopped."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


Event = tuple[str, Element, Element | None]
"""("start" | "end", element, its parent)."""


class _Builder:
    """Expat callbacks that build elements and queue start/end events."""

    def __init__(self) -> None:
        self.stack: list[Element] = []
        self.events: list[Event] = []
        self.root: Element | None = None

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        elem = Element(_local(tag), attrs)
        parent = self.stack[-1] if self.stack else None
        if parent is not None:
            parent.append(elem)
        elif self.root is None:
            self.root = elem
        self.stack.append(elem)
        self.events.append(("start", elem, parent))

    def end(self, tag: str) -> None:
        elem = self.stack.pop()
        self.events.append(("end", elem, self.stack[-1] if self.stack else None))

    def data(self, text: str) -> None:
        if not self.stack:
            return
        elem = self.stack[-1]
        # Text after the last child belongs to the element too (enough for results formats).
        elem.text = (elem.text or "") + text


def _local(tag: str) -> str:
    """Drop the namespace (``ns sep local`` from expat, ``{ns}local`` elsewhere)."""
    return tag.rsplit(" ", 1)[-1].rsplit("}", 1)[-1]


def _refuse_entity(*_args: object) -> None:
    raise HostileXML("the document declares an XML entity (refused: entities are never expanded)")


def _refuse_external(*_args: object) -> int:
    raise HostileXML("the document references an external entity (refused: never fetched)")


def _parser(builder: _Builder) -> xml.parsers.expat.XMLParserType:
    p = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    p.buffer_text = True
    p.buffer_size = CHUNK
    p.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    p.StartElementHandler = builder.start
    p.EndElementHandler = builder.end
    p.CharacterDataHandler = builder.data
    p.EntityDeclHandler = _refuse_entity
    p.UnparsedEntityDeclHandler = _refuse_entity
    p.ExternalEntityRefHandler = _refuse_external
    return p


def iterparse(src: Path | bytes) -> Iterator[Event]:
    """Events for the document at a path (read in chunks) or in bytes; raises HostileXML or BadXML.

    Consumers free memory by removing finished elements from their parent (``parent.remove``).
    """
    if isinstance(src, bytes):
        yield from iterparse_stream(io.BytesIO(src))
        return
    with src.open("rb") as fh:
        yield from iterparse_stream(fh)


_LT_IN_ATTR = re.compile(rb'(=\s*")([^"<>\n]*[<>][^"\n]*)(")')


def repair_attribute_brackets(data: bytes) -> bytes | None:
    """Escape ``<``/``>`` inside attribute values (``time="<<computed>>"``), which some reporters
    write and strict parsers refuse; None when there is nothing of that kind to repair."""
    fixed, count = _LT_IN_ATTR.subn(
        lambda m: m.group(1) + m.group(2).replace(b"<", b"&lt;").replace(b">", b"&gt;") + m.group(3), data)
    return fixed if count else None


def iterparse_stream(fh: BinaryIO) -> Iterator[Event]:
    """Like ``iterparse`` for an open binary stream."""
    builder = _Builder()
    parser = _parser(builder)
    seen = False
    while True:
        chunk = fh.read(CHUNK)
        seen = seen or bool(chunk.strip())
        if not chunk and not seen:
            raise BadXML("the file is empty")
        _feed(parser, chunk, final=not chunk)
        yield from builder.events
        builder.events.clear()
        if not chunk:
            return


def _feed(parser: xml.parsers.expat.XMLParserType, chunk: bytes, final: bool) -> None:
    try:
        parser.Parse(chunk, final)
    except xml.parsers.expat.ExpatError as exc:
        message = xml.parsers.expat.ErrorString(exc.code) if exc.code else str(exc)
        raise BadXML(f"not well-formed XML: {message} (line {exc.lineno})", exc.lineno) from None


def root_tag(head: bytes) -> str | None:
    """The local name of the first element in a document prefix, for format detection."""
    builder = _Builder()
    parser = _parser(builder)
    try:
        parser.Parse(head, False)
    except (xml.parsers.expat.ExpatError, HostileXML):
        pass
    return builder.root.tag if builder.root is not None else None
