"""fivewhys: find out why something broke.

The public API is small: ``analyze`` (an Incident in, a Report out), ``analyze_text`` (free text in),
``parse_incident``, ``Report`` and ``Settings``. Heavy modules (langgraph, anthropic) load on first use,
so ``fivewhys --help`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Incident", "Report", "Settings", "__version__", "analyze", "analyze_text", "parse_incident"]

if TYPE_CHECKING:
    from .analysis import analyze, analyze_text
    from .config import Settings
    from .intake import Incident, parse_incident
    from .report.model import Report

_LAZY = {
    "analyze": ("analysis", "analyze"),
    "analyze_text": ("analysis", "analyze_text"),
    "Settings": ("config", "Settings"),
    "Incident": ("intake", "Incident"),
    "parse_incident": ("intake", "parse_incident"),
    "Report": ("report.model", "Report"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        module, attr = _LAZY[name]
        return getattr(import_module(f".{module}", __name__), attr)
    raise AttributeError(f"module 'fivewhys' has no attribute {name!r}")
