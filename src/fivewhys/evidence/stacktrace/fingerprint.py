"""Fingerprints: one stable grouping key per bug, the way error trackers group events.

The key hashes the exception type, the message with its data masked, and the in-app frames as
(folder/file, function) — never line numbers, deploy folders, addresses or request data. So the
same bug keeps its key across deploys (``/srv/releases/41/app/cart.py`` and ``/app/cart.py``),
line shifts and inputs (``order 8812``, ``'SKU-2042'``); another type, another message shape or
another function on the path gives another key.
"""

from __future__ import annotations

import hashlib
import re

from .inapp import is_in_app
from .model import Frame, ParsedException

MAX_FRAMES = 8
"""In-app frames hashed, innermost first: deep recursion or framework depth does not split a group."""

MAX_MESSAGE = 500
"""Characters of a message that are masked and hashed (a log message has no length limit)."""
_MASKS = (
    re.compile(r"(?<![\w+.-])[a-zA-Z][\w+.-]*://\S+"),  # URLs
    re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),  # emails
    re.compile(r"\b[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\b"),  # UUIDs
    re.compile(r"\"[^\"\n]*\"|'[^'\n]*'|`[^`\n]*`"),  # quoted values
    re.compile(r"(?:[A-Za-z]:)?(?:[\\/][\w.@~+-]+){2,}[\\/]?"),  # paths
    re.compile(r"\b0x[0-9a-fA-F]+\b|\b(?=[0-9a-fA-F]*\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{8,}\b"),  # hex
    re.compile(r"(?<![\w-])[\w-]*\d[\w-]*"),  # numbers and ids with digits (42, 3.5, user_8812, v1.4.0)
)
_RUNS = re.compile(r"<\*>(?:[\s.,:;=/-]*<\*>)+")


def mask_message(message: str | None) -> str:
    """The message with ids, numbers, hex, UUIDs, paths, URLs, emails and quoted values as ``<*>``."""
    text = (message or "")[:MAX_MESSAGE].split("\n", 1)[0].strip()
    for pattern in _MASKS:
        text = pattern.sub("<*>", text)
    return _RUNS.sub("<*>", text)


def fingerprint(exc: ParsedException) -> str:
    """A 16-hex-digit grouping key for one exception (see the module docstring).

    Frames are the exception's in-app frames (``in_app`` as extracted, or the library heuristics
    when unset); when none is in-app, all frames count, so a crash inside a library still groups.
    """
    frames = [f for f in exc.frames if _in_app(f, exc.language)] or list(exc.frames)
    if exc.language == "python":
        frames = frames[::-1]  # innermost first, as every other runtime prints them
    parts = [exc.type or "", mask_message(exc.message)]
    parts += [f"{_place(f)}:{_function(f)}" for f in frames[:MAX_FRAMES]]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _in_app(frame: Frame, language: str | None) -> bool:
    return frame.in_app if frame.in_app is not None else is_in_app(frame, language)


def _place(frame: Frame) -> str:
    """The frame's folder and file name (a repo path when mapped), digits masked: deploy roots,
    release numbers and content hashes in bundle names vary, the file does not."""
    path = (frame.repo_path or frame.file or "").replace("\\", "/").split("?")[0]
    tail = "/".join(path.rstrip("/").split("/")[-2:])
    return re.sub(r"\d+", "0", re.sub(r"[.-][0-9a-f]{6,}(?=\.)", "", tail))


def _function(frame: Frame) -> str:
    """The function without anonymous-class counters or lambda addresses (``$1``, ``$$Lambda$14/0x…``)."""
    name = frame.function or ""
    return re.sub(r"\$\$Lambda.*|\$\d+|0x[0-9a-fA-F]+|\d+", "", name)
