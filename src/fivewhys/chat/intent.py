"""Offline, free text is matched to the nearest slash command by plain rules (no model involved).

Each rule is a pattern over the lowered text and a function that builds the command's arguments from
the original text. The first rule that matches wins; no match means the text is new evidence.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_FILE_LINE = re.compile(r"([\w./-]+\.\w{1,8}):(\d+(?:-\d+)?)")
_SHA = re.compile(r"\b[0-9a-f]{7,40}\b")
_EVIDENCE = re.compile(r"\b[eE](\d{1,4})\b")
_QUOTED = re.compile(r"""["'`]([^"'`]{2,200})["'`]""")
_IDENT = re.compile(r"\b(?=[\w-]*\d)(?=[\w-]*[a-z])[\w-]{8,}\b", re.I)


def _file_line(text: str) -> list[str]:
    m = _FILE_LINE.search(text)
    return [f"{m.group(1)}:{m.group(2)}"] if m else []


def _sha(text: str) -> list[str]:
    m = _SHA.search(text.lower())
    return [m.group(0)] if m else []


def _evidence(text: str) -> list[str]:
    m = _EVIDENCE.search(text)
    return [f"E{m.group(1)}"] if m else []


def _quoted(text: str) -> list[str]:
    m = _QUOTED.search(text)
    return [m.group(1)] if m else []


def _ident(text: str) -> list[str]:
    m = _IDENT.search(text)
    return [m.group(0)] if m else []


def _none(_text: str) -> list[str]:
    return []


Rule = tuple[str, "re.Pattern[str]", Callable[[str], list[str]]]

RULES: list[Rule] = [
    ("blame", re.compile(r"\b(blame|who (changed|wrote|touched|last)|author of)\b"), _file_line),
    ("commit", re.compile(r"\b(commit|diff|sha)\b"), _sha),
    ("evidence", re.compile(r"\be\d{1,4}\b|\bevidence\b"), _evidence),
    ("timeline", re.compile(r"\b(timeline|happened (right )?(before|first|earlier)|sequence of|order of events)\b"),
     _ident),
    ("logs", re.compile(r"\b(logs?|grep|search|occurrences?)\b"), _quoted),
    ("why", re.compile(r"\bwhy\b"), _none),
    ("suspects", re.compile(r"\b(suspects?|where .*fix|which (file|line|function))\b"), _none),
    ("hypotheses", re.compile(r"\b(hypothes[ie]s|theor(y|ies)|what if|could it be|alternatives?)\b"), _none),
    ("frames", re.compile(r"\b(frames?|stack|traceback|trace)\b"), _none),
    ("cost", re.compile(r"\b(cost|spent|tokens|price)\b"), _none),
    ("report", re.compile(r"\b(report|export|summary)\b"), _none),
    ("help", re.compile(r"\b(help|commands?)\b|^\?$"), _none),
]


def nearest_command(text: str) -> tuple[str, list[str]] | None:
    """The slash command (name, arguments) free text most plausibly asks for, or None."""
    lowered = text.lower()
    for name, pattern, args in RULES:
        if pattern.search(lowered):
            found = args(text)
            if name == "logs" and not found:
                continue  # "see the logs" with nothing to search for is not a search
            return name, found
    return None


def looks_like_evidence(text: str) -> bool:
    """A pasted trace, a log line, a path or a time is evidence even when a keyword matches a command."""
    from ..intake import TRACE_LINE

    lines = text.splitlines()
    return len(lines) > 1 or any(TRACE_LINE.match(line) for line in lines) or bool(
        re.search(r"\b(since|after|between)\s+\d{1,2}:\d{2}\b|\S+\.(log|jsonl|ndjson)\b", text))
