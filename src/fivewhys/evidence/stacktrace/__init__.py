"""Multi-language stack-trace extraction: text in, ``ParsedTrace`` out.

Public API:
    extract(text) -> ParsedTrace             every trace in a text (never raises)
    iter_traces(lines) -> (line, trace)...   streaming scan of a large log, bounded memory
    to_corpus_json(trace) -> dict            the corpus/CLI JSON schema
    format_trace(trace) -> str               a readable rendering that ``extract`` parses back
    fingerprint(exception) -> str            a stable grouping key (same bug, same key across deploys)
    is_in_app(frame, language) -> bool       app-vs-library heuristic without a repo
    user_verdict(frame, app, library)        the project's app_paths/library_paths say, if they do
    apply_project_patterns(trace, app, lib)  set in_app on a trace's frames by those patterns
"""

from __future__ import annotations

from ._corpus import to_corpus_json
from ._dispatch import extract
from ._format import format_trace
from ._scan import iter_traces
from .fingerprint import fingerprint
from .inapp import apply_project_patterns, compile_patterns, is_in_app, user_verdict
from .model import ExtraStack, Frame, ParsedException, ParsedTrace

__all__ = [
    "apply_project_patterns",
    "compile_patterns",
    "ExtraStack",
    "Frame",
    "ParsedException",
    "ParsedTrace",
    "extract",
    "fingerprint",
    "format_trace",
    "is_in_app",
    "user_verdict",
    "iter_traces",
    "to_corpus_json",
]
