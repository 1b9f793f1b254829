"""The offline engine: failure patterns plus generic reasoning over the gathered evidence.

Round 0 proposes hypotheses: patterns matching the exception (type, message), patterns matching the
first error of a cascade, patterns matching WARN+ log lines when there is no trace, a recent change on
the crash path, and a generic "defect at the crash frame" as the last resort. Each carries the checks
its pattern names; investigate runs them and moves the confidence. A hypothesis is confirmed at
``CONFIRM`` confidence; when none is, the report says "inconclusive" and lists what to check next.
"""

from __future__ import annotations

from ..graph.state import AnalysisState, EvidenceBook, HypothesisState, RunContext
from ..report.model import Location, Report
from .base import Investigation
from .checks import CheckEnv, run_check
from .compose import compose_report
from .patterns import Check, Pattern, load_patterns

CONFIRM = 0.65
REJECT = 0.2
MAX_CONFIDENCE = 0.95
MAX_HYPOTHESES = 4


class OfflineReasoner:
    """Deterministic rules; no network."""

    name = "offline"

    def __init__(self, patterns: list[Pattern] | None = None) -> None:
        self.patterns = patterns if patterns is not None else load_patterns()
        self._by_id = {p.id: p for p in self.patterns}

    def pattern(self, pattern_id: str | None) -> Pattern | None:
        return self._by_id.get(pattern_id or "")

    def hypothesize(self, state: AnalysisState, ctx: RunContext) -> list[HypothesisState]:
        if not state.hypotheses:
            return self._propose(state)
        out = [h.model_copy(deep=True) for h in state.hypotheses]
        best = max(out, key=lambda h: h.confidence)
        if any(h.pending for h in out):
            return out  # checks still to run: nothing is confirmed on priors alone
        for h in out:
            if h is best and h.confidence >= CONFIRM:
                h.status = "confirmed"
            elif best.confidence >= CONFIRM and _same_change(h, best):
                # "a recent change broke X" names the commit the confirmed mechanism already blames:
                # the same explanation seen from git, not a rival to reject
                h.status, h.confidence = "confirmed", round(best.confidence - 0.05, 2)  # best stays first
            elif h.confidence < REJECT or (best.confidence >= CONFIRM and h is not best):
                h.status = "rejected" if h.confidence < best.confidence - 0.15 else "open"
        return out

    def investigate(self, state: AnalysisState, ctx: RunContext) -> Investigation:
        book = EvidenceBook.for_state(state)
        out = []
        for hyp in state.hypotheses:
            h = hyp.model_copy(deep=True)
            pattern = self.pattern(h.pattern_id)
            checks: dict[str, Check] = {c.name: c for c in (pattern.checks if pattern else [])}
            for name in h.pending:
                check = checks.get(name) or Check(name=name)  # type: ignore[arg-type]
                ctx.progress(f"investigate: {name} for {h.id}")
                result = run_check(check, CheckEnv(state, ctx, book, h))
                h.confidence = round(min(MAX_CONFIDENCE, max(0.0, h.confidence + result.delta)), 3)
                h.evidence += [e for e in result.evidence if e and e not in h.evidence]
                h.values.update({k: v for k, v in result.values.items() if v})
                if result.location is not None and (h.location is None or h.location == state.facts.crash_location):
                    h.location = result.location  # a place other than the crash frame, found by evidence
                h.commit = result.commit if result.commit and (h.commit is None or name == "value_origin") else h.commit
                h.done.append(name)
            h.pending = []
            out.append(h)
        return Investigation(hypotheses=out, evidence=book.items, added=book.added)

    def write_report(self, state: AnalysisState, ctx: RunContext) -> Report:
        return compose_report(state, ctx, self)

    def _propose(self, state: AnalysisState) -> list[HypothesisState]:
        facts = state.facts
        base = base_values(state)
        found: list[tuple[float, Pattern, dict[str, str], str | None]] = []
        for p in self.patterns:
            groups = p.match_exception(facts.exception_type, facts.message)
            if groups is not None:
                specific = bool(groups) or p.message_matches(facts.message)
                found.append((0.55 if specific else 0.45, p, groups, None))
            elif facts.first_error_message and (g := p.match_log(facts.first_error_message)) is not None:
                found.append((0.45, p, g, "yes"))
            elif facts.exception_type is None and (hit := _match_lines(p, facts.error_lines)) is not None:
                line, g = hit
                cited = facts.error_line_ids[line] if line < len(facts.error_line_ids) else None
                found.append((0.45, p, {**g, "_log_evidence": cited or ""}, None))
        found.sort(key=lambda f: (-f[0], -f[1].priority, f[1].id))
        hyps: list[HypothesisState] = []
        for prior, p, groups, cascade in found[:MAX_HYPOTHESES]:
            if groups.get("null_word") == "NoneType":
                groups = {**groups, "null_word": "None"}  # Python names None's type; people say None
            if groups.get("nil_kind") == "nil pointer" and (receiver := _nil_receiver(state)):
                groups = {**groups, "nil_kind": f"nil `*{receiver}` receiver (the method was called on a nil pointer)"}
            if groups.get("timeout"):
                groups = {**groups, "timeout_suffix": f" ({groups['timeout']})"}
            values = {**base, **groups, **({"cascade": "yes"} if cascade else {})}
            bonus = 0.1 if facts.crash_evidence_id else 0.0
            hyps.append(self._new(hyps, p.hypothesis, values, prior + bonus, p, state))
        if facts.suspects and facts.suspects[0].score >= 0.5 and facts.crash_location:
            top = facts.suspects[0]
            text = "A recent change, {commit_subject} ({commit}), broke {function} in {file}."
            vals = {**base, "commit": top.commit.sha[:10], "commit_subject": top.commit.subject}
            hyps.append(self._new(hyps, text, vals, 0.35, None, state, ["crash_path_history"]))
        if not hyps and facts.crash_location is not None:
            text = "{exception} is raised by a defect in {function} ({file}:{line})."
            best = facts.localized[0] if facts.localized else None
            vals = {**base, "file": best.file, "line": str(best.line or ""), "function": best.function or ""} \
                if best else base
            hyp = self._new(hyps, text, vals, 0.3, None, state, ["crash_path_history"])
            if best is not None:  # the localizer's best place, not merely the crash frame
                hyp.location = Location(file=best.file, line=best.line, function=best.function)
            hyps.append(hyp)
        return hyps

    def _new(self, hyps: list[HypothesisState], template: str, values: dict[str, str], prior: float,
             pattern: Pattern | None, state: AnalysisState, checks: list[str] | None = None) -> HypothesisState:
        from .patterns import fill

        f = state.facts
        evidence = [e for e in [f.failure_evidence_id, f.crash_evidence_id, f.first_seen_id,
                                values.pop("_log_evidence", None)] if e]
        if values.get("cascade") and state.facts.first_error_id:
            evidence.append(state.facts.first_error_id)
        pending = checks if checks is not None else [c.name for c in pattern.checks] if pattern else []
        return HypothesisState(id=f"H{len(hyps) + 1}", statement=fill(template, values), confidence=round(prior, 3),
                               evidence=evidence, pattern_id=pattern.id if pattern else None, values=values,
                               pending=list(dict.fromkeys(pending)), location=state.facts.crash_location)


def _match_lines(p: Pattern, lines: list[str]) -> tuple[int, dict[str, str]] | None:
    """The first WARN+ line the pattern explains: (its index, the regex groups)."""
    for i, line in enumerate(lines):
        groups = p.match_text(line)
        if groups is not None:
            return i, groups
    return None


def base_values(state: AnalysisState) -> dict[str, str]:
    """Placeholder values every template can use, from the facts."""
    f = state.facts
    loc = f.crash_location
    values = {
        "exception": f.exception_type or "",
        "message": (f.message or "")[:200],
        "file": loc.file if loc else "",
        "line": str(loc.line) if loc and loc.line else "",
        "function": loc.function or "" if loc else "",
        "first_seen": f.first_seen.isoformat() if f.first_seen else "",
        "occurrences": str(f.occurrences) if f.occurrences else "",
        "service": ", ".join(state.incident.services),
        "deploy": f.deploy_text or "",
        "first_error": f.first_error_message or "",
    }
    return {k: v for k, v in values.items() if v}


def _same_change(h: HypothesisState, best: HypothesisState) -> bool:
    """Whether `h` is the generic recent-change hypothesis and `best` blames that same commit."""
    sha = h.values.get("commit", "")
    return (h is not best and h.pattern_id is None and len(sha) >= 7 and best.commit is not None
            and best.commit.sha.startswith(sha))


def _nil_receiver(state: AnalysisState) -> str | None:
    """The type of a nil pointer receiver in the innermost application frame of a Go panic, if any."""
    from ..evidence.stacktrace.go import nil_receiver

    if state.exception is None or state.exception.language != "go":
        return None
    frame = next((a.frame for a in state.frames if a.in_app), None)
    return nil_receiver(frame) if frame is not None else None
