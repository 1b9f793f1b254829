"""The corpus JSON schema (``shared/datasets/stacktraces``): what ``fivewhys frames --format json`` prints."""

from __future__ import annotations

from typing import Any

from .fingerprint import fingerprint
from .model import Frame, ParsedException, ParsedTrace

_OPTIONAL_EXC = ("caused_by", "relation", "suppressed_by", "member_of", "frames_omitted", "language")


def _frame(frame: Frame) -> dict[str, Any]:
    out: dict[str, Any] = {
        "file": frame.file,
        "line": frame.line,
        "column": frame.column,
        "function": frame.function,
        "in_app": frame.in_app,
    }
    if frame.module is not None:
        out["module"] = frame.module
    return out


def _exception(exc: ParsedException) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": exc.type,
        "message": exc.message,
        "frames": [_frame(f) for f in exc.frames],
    }
    for key in _OPTIONAL_EXC:
        value = getattr(exc, key)
        if value is not None:
            out[key] = value
    if exc.thread is not None:
        out["thread"] = exc.thread
    if exc.inherited_frames:
        out["inherited_frames"] = [_frame(f) for f in exc.inherited_frames]
    if exc.type or exc.frames:
        out["fingerprint"] = fingerprint(exc)
    return out


def to_corpus_json(trace: ParsedTrace) -> dict[str, Any]:
    """The trace as a JSON-ready dict in the corpus schema the scorer reads.

    Args:
        trace: What ``extract`` returned.

    Returns:
        ``{"exceptions": [{type, message, frames: [{file, line, column, function, in_app}],
        caused_by?, relation?, ...}], "extra_stacks": [{label, frames}]}``.
    """
    return {
        "exceptions": [_exception(e) for e in trace.exceptions],
        "extra_stacks": [{"label": s.label, "frames": [_frame(f) for f in s.frames]} for s in trace.extra_stacks],
    }
