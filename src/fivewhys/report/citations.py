"""The citation validator: the project's core promise, checked before anything is rendered.

Every evidence item's source must exist — ``path:line`` / ``path:start-end`` inside the repository
or a log the user named, ``commit:<sha>`` in the repository, ``input:N`` within the user's text — and
every id a section cites must name an evidence item that survived. Evidence that fails is dropped;
citations of dropped or unknown ids are removed; each removal becomes a warning in the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .model import Evidence, Report, RootCause

if TYPE_CHECKING:
    from ..evidence.git import Git

_LINE_SOURCE = re.compile(r"^(?P<path>.+?):(?P<start>\d+)(?:-(?P<end>\d+))?$")


@dataclass
class CitationContext:
    """Where cited things may live."""

    repo: Path | None
    cwd: Path
    logs: list[Path] = field(default_factory=list)
    input_text: str = ""
    git: Git | None = None


def validate_citations(report: Report, ctx: CitationContext | None) -> Report:
    """Return the report with invalid evidence and citations removed, and warnings saying what went."""
    warnings = list(report.warnings)
    kept: list[Evidence] = []
    for ev in report.evidence:
        problem = source_problem(ev.source, ctx) if ctx is not None else None
        if problem:
            warnings.append(f"dropped evidence {ev.id}: {problem}")
        else:
            kept.append(ev)
    ids = {e.id for e in kept}

    def keep(cited: list[str], where: str) -> list[str]:
        good = [c for c in cited if c in ids]
        for bad in sorted(set(cited) - ids):
            warnings.append(f"{where} cited {bad}, which is not valid evidence; citation removed")
        return good

    root = report.root_cause.model_copy(update={"evidence": keep(report.root_cause.evidence, "root cause")})
    if ctx is not None:
        root = _check_places(root, ctx, warnings)
    hyps = [h.model_copy(update={"evidence": keep(h.evidence, f"hypothesis {h.id}")}) for h in report.hypotheses]
    for i, h in enumerate(hyps):
        if h.status == "confirmed" and not h.evidence:
            warnings.append(f"hypothesis {h.id} was marked confirmed without valid evidence; now open")
            hyps[i] = h.model_copy(update={"status": "open"})
    suspects = report.suspects
    if ctx is not None and ctx.repo is not None:
        suspects = []
        for s in report.suspects:
            problem = source_problem(f"{s.file}:{s.line or 1}", ctx)
            if problem:
                warnings.append(f"suspect {s.file}:{s.line} dropped: {problem}")
            else:
                suspects.append(s)
    checked = report.model_copy(update={"evidence": kept, "root_cause": root, "hypotheses": hyps,
                                        "suspects": suspects, "warnings": warnings})
    if not checked.inconclusive and not root.evidence:
        warnings.append("the root cause cites no valid evidence; marked unverified and inconclusive")
        root = root.model_copy(update={"statement": f"Unverified (no valid evidence cited): {root.statement}",
                                       "confidence": min(root.confidence, 0.2)})
        checked = checked.model_copy(update={"root_cause": root, "inconclusive": True})
    return checked


def _check_places(root: RootCause, ctx: CitationContext, warnings: list[str]) -> RootCause:
    """The location must be a line of a repository file; the commit must exist in the repository."""
    update: dict[str, object] = {}
    for name in ("location", "surfaced_at"):
        loc = getattr(root, name)
        if loc is None or ctx.repo is None:
            continue
        problem = source_problem(f"{loc.file}:{loc.line or 1}", ctx)
        if problem:
            warnings.append(f"root cause {name} {loc.file}:{loc.line} dropped: {problem}")
            update[name] = None
    if root.commit is not None:
        problem = _commit_problem(root.commit.sha, ctx)
        if problem:
            warnings.append(f"root cause commit dropped: {problem}")
            update["commit"] = None
    return root.model_copy(update=update) if update else root


def source_problem(source: str, ctx: CitationContext) -> str | None:
    """Why a source cannot be verified, or None when it checks out."""
    if source.startswith("commit:"):
        return _commit_problem(source[7:], ctx)
    m = _LINE_SOURCE.match(source)
    if not m:
        return f"source {source!r} is not path:line, path:start-end or commit:<sha>"
    start, end = int(m["start"]), int(m["end"] or m["start"])
    if start < 1 or end < start:
        return f"{source}: bad line range"
    if m["path"] == "input":
        count = len(ctx.input_text.splitlines())
        return None if end <= count else f"{source}: the input has {count} lines"
    path = _resolve(m["path"], ctx)
    if path is None:
        return f"{m['path']}: not in the repository or the logs given"
    lines = _count_lines(path, end)
    return None if lines >= end else f"{source}: {m['path']} has {lines} lines"


def _commit_problem(sha: str, ctx: CitationContext) -> str | None:
    if not re.fullmatch(r"[0-9a-f]{40}", sha):
        return f"commit:{sha}: not a full SHA"
    if ctx.git is None:
        return f"commit:{sha}: no repository to check it in"
    res = ctx.git.run("cat-file", "-e", f"{sha}^{{commit}}")
    return None if res.ok else f"commit:{sha}: not in the repository"


def _resolve(shown: str, ctx: CitationContext) -> Path | None:
    candidate = Path(shown)
    logs = {p.resolve() for p in ctx.logs}
    for base in ([ctx.cwd, ctx.repo] if not candidate.is_absolute() else [None]):
        path = (base / candidate if base else candidate).resolve()
        if path in logs:
            return path
        if ctx.repo is not None and path.is_relative_to(ctx.repo.resolve()) and path.is_file():
            return path
    return None


def _count_lines(path: Path, needed: int) -> int:
    """Lines in the file, counting no further than needed (logs can be huge)."""
    import gzip

    opener = gzip.open if path.suffix == ".gz" else open
    count = 0
    try:
        with opener(path, "rb") as fh:
            for _ in fh:
                count += 1
                if count >= needed:
                    break
    except (OSError, EOFError):
        return count
    return count
