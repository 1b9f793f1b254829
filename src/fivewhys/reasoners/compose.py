"""Write the eight-section Report from the offline engine's best hypothesis and its pattern."""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING

from ..graph.state import AnalysisState, HypothesisState, RunContext
from ..report.model import (
    Classification,
    ErrorType,
    Observability,
    Severity,
    EngineInfo,
    Hypothesis,
    ImmediateFix,
    Location,
    MonitoringItem,
    Report,
    RootCause,
    Summary,
    Suspect,
)
from .patterns import Pattern, fill, fill_items

if TYPE_CHECKING:
    from .offline import OfflineReasoner

_NEXT_STEPS = [
    "Reproduce the failure with the exact input from the evidence and capture a full stack trace.",
    "Give fivewhys the logs around the first occurrence (--log PATH) and the time window (since HH:MM).",
    "Run inside the service's git repository (or pass --repo) so recent changes on the crash path can be checked.",
    "Compare the first occurrence with the deploy and config-change history of the affected service.",
]


def compose_report(state: AnalysisState, ctx: RunContext, reasoner: OfflineReasoner) -> Report:
    """The report for the confirmed hypothesis, or an honest inconclusive one."""
    hyps = sorted(state.hypotheses, key=lambda h: -h.confidence)
    best = next((h for h in hyps if h.status == "confirmed"), None)
    lead = best or (hyps[0] if hyps else None)
    pattern = reasoner.pattern(lead.pattern_id) if lead else None
    values = dict(lead.values) if lead else {}
    if lead and lead.commit:  # the hypothesis' culprit, whichever check found it last
        values.update(commit=lead.commit.sha[:10], commit_subject=lead.commit.subject)
    return Report(
        title=_title(state, pattern, best is None),
        inconclusive=best is None,
        classification=_classification(state, pattern),
        summary=_summary(state),
        root_cause=_root_cause(state, best, lead, pattern, values),
        evidence=list(state.evidence),
        immediate_fix=_fix(pattern, values, best is not None),
        testing_strategy=fill_items(pattern.testing, values) if pattern and best else _UNCONFIRMED_TESTS,
        preventive_measures=fill_items(pattern.prevention, values) if pattern and best else _UNCONFIRMED_PREVENTION,
        monitoring=[MonitoringItem(signal=fill(m.signal, values), query=fill(m.query, values),
                                   alert=fill(m.alert, values)) for m in (pattern.monitoring if pattern else [])]
        or _symptom_monitoring(state),
        runbook=fill_items(pattern.runbook, values) if pattern and best else _next_steps(state, hyps),
        suspects=_suspects(state, lead),
        hypotheses=[Hypothesis(id=h.id, statement=h.statement, status=h.status,  # type: ignore[arg-type]
                               confidence=h.confidence, evidence=h.evidence) for h in state.hypotheses],
        engine=EngineInfo(name="offline", iterations=state.iteration),
        warnings=list(state.warnings),
    )


_UNCONFIRMED_TESTS = [
    "Before changing code, reproduce the symptom in a test or a staging run with the same input, data and "
    "configuration as in the evidence; keep it as the regression test once the cause is known.",
]
_UNCONFIRMED_PREVENTION = [
    "Make the next occurrence diagnosable: log failures with their exception type, a correlation id and the "
    "deployed version at every service boundary, and keep request latency per dependency.",
]


def _symptom_monitoring(state: AnalysisState) -> list[MonitoringItem]:
    """Without a known cause, watch the symptom itself (what the user reported or the error seen)."""
    f = state.facts
    symptom = f.exception_type or (f.first_error_message or "").split(":")[0] or state.incident.description[:80]
    if not symptom:
        return []
    return [MonitoringItem(signal=f"Occurrences of: {symptom[:80]}",
                           query=f"logs matching \"{symptom[:60]}\" per minute, by service and version",
                           alert="Any new occurrence after a deploy, or a rate above the last week's baseline")]


def fingerprint(state: AnalysisState) -> str:
    """Stable across runs and deploys: the exception's grouping key over its repo-mapped frames
    (``stacktrace.fingerprint``), or, with no trace, the first error's masked message."""
    from ..evidence import stacktrace
    from ..evidence.stacktrace.fingerprint import mask_message

    if state.exception is not None:
        mapped = [a.frame for a in state.frames] or state.exception.frames
        return stacktrace.fingerprint(state.exception.model_copy(update={"frames": mapped}))
    f = state.facts
    raw = "|".join([f.exception_type or "", mask_message(f.message or f.first_error_message)])
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def _title(state: AnalysisState, pattern: Pattern | None, inconclusive: bool) -> str:
    f = state.facts
    where = f" in {f.crash_location.function or f.crash_location.file}" if f.crash_location else ""
    head = f"{f.exception_type}: {f.message}" if f.exception_type else (f.first_error_message or "")
    head = head.strip() or (pattern.title if pattern else state.incident.description or "Unexplained failure")
    head = head.splitlines()[0]
    if len(head) > 100:  # cut at a word, and say so
        head = head[:100].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return f"{'Inconclusive: ' if inconclusive else ''}{head}{where}"


_TYPE_WORDS: list[tuple[str, ErrorType]] = [
    (r"\b(slow|latenc|p9\d|timeout|timed out|hang|sluggish|throughput)", "performance"),
    (r"\b(config|env(ironment)? var|setting|feature flag|secret missing)", "configuration"),
    (r"\b(401|403|unauthori[sz]ed|forbidden|permission|credential|leak)", "security"),
    (r"\b(wrong|incorrect|mismatch|miscalculat|off by)", "logic"),
]
_OBSERVABILITY_WORDS: list[tuple[str, Observability]] = [
    (r"\b(peak|under load|traffic|concurren|busy)", "load-dependent"),
    (r"\b(intermittent|sometimes|some requests|flaky|sporadic|occasional|for about|blip|around \d)",
     "intermittent"),
    (r"\b(only in|only on|staging|production only|one region|one host)", "environmental"),
]


def _classification(state: AnalysisState, pattern: Pattern | None) -> Classification:
    if pattern is not None:
        return Classification(severity=_severity(state, pattern.severity), type=pattern.type,
                              observability=pattern.observability, fingerprint=fingerprint(state))
    # No pattern explained it: read the user's own words, the only evidence of what kind of failure it is.
    words = state.incident.description.lower()
    kind: ErrorType = next((k for rx, k in _TYPE_WORDS if re.search(rx, words)), "runtime")
    seen: Observability = next((o for rx, o in _OBSERVABILITY_WORDS if re.search(rx, words)), "deterministic")
    return Classification(severity=_severity(state, "medium"), type=kind, observability=seen,
                          fingerprint=fingerprint(state))


_OUTAGE = re.compile(r"\b(every|all) (requests?|calls?|checkouts?|orders?|users?|customers?|logins?|payments?)\b"
                     r"|\b(is|are|went) down\b|\boutage\b|\b100 ?%|\bnothing works\b|\bdata loss\b", re.I)


def _severity(state: AnalysisState, default: Severity) -> Severity:
    """The pattern's severity, raised to critical when the user reports a total outage or data loss."""
    return "critical" if _OUTAGE.search(state.incident.description) else default


def _summary(state: AnalysisState) -> Summary:
    f = state.facts
    loc = f.crash_location
    if f.exception_type:
        what = f"{f.exception_type}: {f.message or ''}".strip().rstrip(":")
        if loc:
            what += f" — raised in {loc.function or '?'} ({loc.file}:{loc.line})"
    else:
        what = f.first_error_message or state.incident.description or "No error was found in the input."
    services = ", ".join(state.incident.services)
    if f.occurrences:
        impact = f"{f.occurrences} occurrence(s) in the logs"
        if f.first_seen:
            impact += f" from {f.first_seen.isoformat()} to {(f.last_seen or f.first_seen).isoformat()}"
    elif f.slowdown:
        impact = f"No error in the logs; {f.slowdown} [{f.slowdown_id}]"
    else:
        impact = "Seen in the input given; no logs were searched." if not state.incident.log_paths else \
            "The error was not found in the logs given."
    if services:
        impact += f"; service: {services}"
    return Summary(what=what[:500], impact=impact, occurrences=f.occurrences,
                   first_seen=f.first_seen.isoformat() if f.first_seen else None,
                   last_seen=f.last_seen.isoformat() if f.last_seen else None)


def _root_cause(state: AnalysisState, best: HypothesisState | None, lead: HypothesisState | None,
                pattern: Pattern | None, values: dict[str, str]) -> RootCause:
    crash = state.facts.crash_location
    if best is None:
        f = state.facts
        open_ones = "; ".join(f"{h.id} ({h.confidence:.2f}): {h.statement}" for h in state.hypotheses) or "none"
        seen = (f"The logs show the slowdown ({f.slowdown}) but nothing that explains it: no error, and no "
                f"deploy or change on the path that the evidence ties to it. ") if f.slowdown else ""
        cited = list(lead.evidence) if lead else []
        if f.slowdown_id and f.slowdown_id not in cited:
            cited.append(f.slowdown_id)
        return RootCause(statement=f"Inconclusive: the evidence does not confirm a root cause. {seen}Open hypotheses: "
                                   f"{open_ones}", confidence=round(lead.confidence if lead else 0.0, 3),
                         location=None, surfaced_at=crash, commit=None, five_whys=[], evidence=cited)
    statement = best.statement
    if pattern is not None:
        statement = fill(pattern.hypothesis, values)
    if best.commit:
        statement += f" Introduced by commit {best.commit.sha[:10]} (\"{best.commit.subject}\")"
        change = values.get("change")
        where = values.get("origin_function")
        statement += f", which added `{change}`{f' to {where}' if where else ''}." if change else "."
    location = best.location or crash
    surfaced = crash if crash and location and (crash.file, crash.line) != (location.file, location.line) else None
    if surfaced is not None:
        statement += f" It surfaced in {surfaced.function or '?'} at {surfaced.file}:{surfaced.line}."
    whys = fill_items(pattern.five_whys, values) if pattern else [best.statement]
    return RootCause(statement=statement, confidence=best.confidence, location=location, surfaced_at=surfaced,
                     commit=best.commit, five_whys=whys, evidence=list(best.evidence))


def _fix(pattern: Pattern | None, values: dict[str, str], confirmed: bool) -> ImmediateFix:
    if pattern is None or not confirmed:
        return ImmediateFix(summary="No fix is proposed until a root cause is confirmed; see the runbook for what "
                                    "to check next.", steps=[])
    return ImmediateFix(summary=fill(pattern.fix_summary, values), steps=fill_items(pattern.fix_steps, values))


def _next_steps(state: AnalysisState, hyps: list[HypothesisState]) -> list[str]:
    steps = [f"Check {h.id}: {h.statement}" for h in hyps[:3]]
    return steps + _NEXT_STEPS


def _suspects(state: AnalysisState, lead: HypothesisState | None) -> list[Suspect]:
    out: list[Suspect] = []
    seen: set[tuple[str, int | None]] = set()

    def add(loc: Location | None, score: float, reason: str) -> None:
        if loc is None or not loc.file or (loc.file, loc.line) in seen:
            return
        seen.add((loc.file, loc.line))
        out.append(Suspect(file=loc.file, line=loc.line, function=loc.function, score=round(score, 3), reason=reason))

    if lead is not None and lead.location is not None:
        add(lead.location, max(lead.confidence, 0.1), "where the leading hypothesis places the defect")
    add(state.facts.crash_location, 0.5, "where the failure surfaced (innermost application frame)")
    for s in state.facts.localized:
        add(Location(file=s.file, line=s.line, function=s.function), s.score, s.reason)
    app = [a for a in state.frames if a.in_app]
    for i, a in enumerate(app[:8]):
        loc = Location(file=a.repo_path or a.frame.file or "?", line=a.frame.line, function=a.frame.function)
        add(loc, max(0.05, 0.4 - 0.05 * i), "application frame on the failing path")
    return sorted(out, key=lambda s: -s.score)
