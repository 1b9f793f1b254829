"""Grouping by cause: one signature from exception type, in-app frames and masked message.

"1 cause -> 144 tests": failures whose signatures are equal are one group, across files and matrix
jobs. Each group gets the offline knowledge base's short root cause (``Pattern.match_exception`` /
``match_log`` + ``fill``), with the lines it rests on as evidence.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from functools import lru_cache

from ..evidence.stacktrace import ParsedException, extract
from ..reasoners.patterns import Pattern, fill, load_patterns
from .model import FrameRef, Group, TestCase

MAX_TESTS_LISTED = 50
_MASKS = (
    (re.compile(r"0x[0-9a-fA-F]+"), "<hex>"),
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I), "<uuid>"),
    (re.compile(r"'[^']{0,200}'|\"[^\"]{0,200}\""), "<str>"),
    (re.compile(r"\d+(?:\.\d+)?"), "<n>"),
    (re.compile(r"\s+"), " "),
)


def mask(message: str) -> str:
    """A message with the parts that vary between runs (numbers, ids, quoted values) masked."""
    out = message[:500]
    for rx, repl in _MASKS:
        out = rx.sub(repl, out)
    return out.strip()


@lru_cache(maxsize=4096)
def _parse(text: str) -> ParsedException | None:
    return extract(text[:8192]).headline_exception() if text else None


def signature_of(case: TestCase) -> tuple[str, ParsedException | None]:
    """The grouping key of a failed case, and the parsed exception it rests on."""
    exc = _parse(case.text) if case.text else None
    exc_type = case.type or (exc.type if exc and exc.type else "")
    # The innermost in-app frame is where the failure was raised; the test's own frames differ per
    # test and would split one cause into many groups.
    frames = _app_frames(exc)[:1]
    message = case.message or (exc.message if exc and exc.message else "")
    parts = [exc_type, *(f"{f.file}:{f.function}" for f in frames), mask(message)]
    return " | ".join(p for p in parts if p), exc


def _app_frames(exc: ParsedException | None) -> list[FrameRef]:
    if exc is None:
        return []
    frames = [FrameRef(file=f.file or "?", line=f.line, function=f.function)
              for f in exc.frames if f.in_app and f.file]
    # Python prints the innermost frame last; every other runtime prints it first.
    return frames[::-1] if exc.language == "python" else frames


def group_failures(cases: list[TestCase], patterns: list[Pattern] | None = None,
                   ) -> tuple[list[Group], dict[str, list[TestCase]]]:
    """Groups of failed/errored cases, largest first (ties: by signature), and each group's cases."""
    buckets: dict[str, list[TestCase]] = defaultdict(list)
    parsed: dict[str, ParsedException | None] = {}
    for case in cases:
        if case.status in ("failed", "error"):
            sig, exc = signature_of(case)
            buckets[sig].append(case)
            parsed.setdefault(sig, exc)
    kb = load_patterns() if patterns is None else patterns
    groups = [_group(sig, members, parsed[sig], kb) for sig, members in buckets.items()]
    groups.sort(key=lambda g: (-g.count, g.signature))
    members = {g.id: buckets[g.signature] for g in groups}
    return groups, members


def _group(sig: str, members: list[TestCase], exc: ParsedException | None, kb: list[Pattern]) -> Group:
    first = members[0]
    exc_type = first.type or (exc.type if exc and exc.type else None)
    message = first.message or (exc.message if exc and exc.message else "") or "(no message)"
    frames = _app_frames(exc)
    cause, pattern_id = _root_cause(exc_type, message, frames, first.text, kb)
    evidence = [f"{first.source}: {first.full_name}: {message[:300]}"]
    if frames:
        top = frames[0]
        evidence.append(f"{top.file}:{top.line or '?'} in {top.function or '?'}")
    return Group(
        id="G" + hashlib.sha1(sig.encode()).hexdigest()[:8], signature=sig, exception=exc_type,
        message=message[:500], count=len(members),
        tests=[m.full_name for m in members[:MAX_TESTS_LISTED]],
        sources=sorted({m.source for m in members}), frames=frames[:5], root_cause=cause,
        pattern=pattern_id, evidence=evidence, excerpt="\n".join(first.text.splitlines()[:12]),
    )


def _root_cause(exc_type: str | None, message: str, frames: list[FrameRef], text: str,
                kb: list[Pattern]) -> tuple[str, str | None]:
    values = {"exception": exc_type or "", "message": message[:200]}
    if frames:
        values.update(file=frames[0].file, line=str(frames[0].line or ""), function=frames[0].function or "")
    ranked = sorted(kb, key=lambda p: -p.priority)
    for pattern in ranked:
        found = pattern.match_exception(exc_type, message)
        if found is not None:
            return fill(pattern.hypothesis, {**values, **found}), pattern.id
    for line in text.splitlines()[:40]:
        for pattern in ranked:
            found = pattern.match_log(line)
            if found is not None:
                return fill(pattern.hypothesis, {**values, **found}), pattern.id
    where = f" at {frames[0].file}:{frames[0].line or '?'}" if frames else ""
    what = f"{exc_type}: {message}" if exc_type else message
    return f"{what[:300]}{where}", None


def find_flaky(cases: list[TestCase]) -> list[str]:
    """Tests marked flaky, or that failed and then passed again within the same results."""
    outcomes: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for case in cases:
        outcomes[case.key].append(case.status)
    flaky = {case.full_name for case in cases if case.flaky}
    for key, statuses in outcomes.items():
        failed_at = next((i for i, s in enumerate(statuses) if s in ("failed", "error")), None)
        if failed_at is not None and "passed" in statuses[failed_at + 1:]:
            flaky.add(f"{key[1]}.{key[2]}" if key[1] else key[2])
    return sorted(flaky)
