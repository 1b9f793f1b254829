"""Fault localisation: rank the places a fix may go, not just the frame that failed.

Public API:
    localize(trace, repo=None, app_prefixes=None, limit=20) -> list[SuspectLocation]
    SuspectLocation                       file, class, function, line, score, reason

From the trace alone it skips runtime, test and exception-plumbing frames, infers the application's
namespace, follows chained causes to the root and weighs callers that may have created a bad value.
With a repository it adds the source around each frame, the recent history of each function and
the callers/callees of the failing function (best effort: a missing git only loses that evidence).
"""

from __future__ import annotations

from pathlib import Path

from ..stacktrace import ParsedTrace
from ._model import SuspectLocation
from ._rank import Candidate, rank_trace

__all__ = ["SuspectLocation", "localize"]


def localize(trace: ParsedTrace, *, repo: Path | None = None, app_prefixes: list[str] | None = None,
             limit: int = 20) -> list[SuspectLocation]:
    """Rank the suspicious locations of a parsed trace, best first.

    Args:
        trace: What ``fivewhys.evidence.stacktrace.extract`` returned.
        repo: A git work tree to read source and history from; None ranks from the trace alone.
        app_prefixes: Namespaces or path prefixes of the application's own code; None infers them.
        limit: At most this many locations.

    Returns:
        One location per distinct function, best first, each with a one-line reason.
    """
    cands = rank_trace(trace, app_prefixes)
    if repo is not None:
        from ._repo import refine  # git and file reads only when asked for

        cands = refine(cands, trace, repo)
    return [_location(c, cands[0].score if cands else 1.0) for c in cands[: max(limit, 0)]]


def _location(cand: Candidate, best: float) -> SuspectLocation:
    site = cand.site
    reason = "; ".join([*cand.reasons[:1], *cand.notes[:2]])
    return SuspectLocation(file=cand.file or site.file, class_name=site.class_name, function=site.function,
                           line=cand.line or site.line, score=round(cand.score / best, 3) if best else 0.0,
                           reason=reason)
