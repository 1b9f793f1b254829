"""``fivewhys ci``: read what a failed CI job left behind, group failures by cause, tie them to the
change, and write a summary and annotations within GitHub's limits.

Modules: ``results/`` (one parser per format), ``detect``, ``inputs``, ``rawlog``, ``group``,
``diff``, ``summary``, ``annotations``, ``model``, ``run`` (the library call), ``command`` (the CLI).
"""


from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model import CiReport, Counts, Finding, Group
    from .run import CiOptions, run_ci

__all__ = ["CiOptions", "CiReport", "Counts", "Finding", "Group", "run_ci"]
_LAZY = {"CiReport": "model", "Counts": "model", "Finding": "model", "Group": "model", "CiOptions": "run",
         "run_ci": "run"}


def __getattr__(name: str) -> Any:
    # Loaded on first use so that `fivewhys --help` (which registers the ci command) stays fast.
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(name)
