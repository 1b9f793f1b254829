"""Multi-language stack-trace extraction: text in, ``ParsedTrace`` out.

Public API:
    extract(text) -> ParsedTrace             every trace in a text (never raises)
    iter_traces(lines) -> (line, trace)...   streaming scan of a large log, bounded memory
    to_corpus_json(trace) -> dict            the corpus/CLI JSON schema
    format_trace(trace) -> str               a readable rendering that ``extract`` parses back
    is_in_app(frame, language) -> bool       app-vs-library heuristic without a repo
"""

from __future__ import annotations

from ._corpus import to_corpus_json
from ._dispatch import extract
from ._format import format_trace
from ._scan import iter_traces
from .inapp import is_in_app
from .model import ExtraStack, Frame, ParsedException, ParsedTrace

__all__ = [
    "ExtraStack",
    "Frame",
    "ParsedException",
    "ParsedTrace",
    "extract",
    "format_trace",
    "is_in_app",
    "iter_traces",
    "to_corpus_json",
]
