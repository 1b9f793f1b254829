"""Pretty-printing a ParsedTrace back into text (placeholder, completed below)."""

from __future__ import annotations

from .model import ParsedTrace


def format_trace(trace: ParsedTrace) -> str:
    """Render ``trace`` as text that ``extract`` parses back into the same exceptions and frames."""
    return ""
