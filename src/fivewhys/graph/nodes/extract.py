"""extract node: parse every stack trace, map its frames onto the repo, pick the exception to explain."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from langgraph.runtime import Runtime

from ...evidence import stacktrace
from ...evidence.source import RepoIndex
from ...evidence.stacktrace.model import Frame, ParsedException, ParsedTrace
from ...report.model import Location, Suspect
from ..state import AnalysisState, AppFrame, EvidenceBook, RunContext

MAX_FRAME_EVIDENCE = 6


def extract(state: AnalysisState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """Traces from the text; the innermost cause's frames, mapped and marked app/library."""
    ctx = runtime.context
    ctx.progress("extract: parsing stack traces")
    book = EvidenceBook.for_state(state)
    traces = [t for t in [stacktrace.extract(state.incident.text)] if t.exceptions]
    first_test = len(book.items)
    failing = _failing_tests(state, book)
    failure_id = book.items[first_test].id if failing and len(book.items) > first_test else None
    if not traces:
        traces = [t for t in (_test_failure_trace(*f) for f in failing) if t.exceptions][:1]
    if not traces:
        traces = _traces_from_logs(state, ctx)
    exc = _pick_exception(traces)
    if exc is None:
        return {"traces": traces, "evidence": book.items,
                "facts": state.facts.model_copy(update={"failure_evidence_id": failure_id})}
    index: RepoIndex | None = ctx.extra.get("repo_index")
    frames = _map_frames(exc, index, ctx.settings.app_paths, ctx.settings.library_paths)
    warnings = _ambiguity_warnings(index, list(state.warnings))
    facts = state.facts.model_copy()
    facts.exception_type, facts.message, facts.language = exc.type, exc.message, exc.language
    facts.failure_evidence_id = failure_id
    ordered = innermost_first(frames, exc.language)
    crash = (next((f for f in ordered if f.repo_path and f.in_app), None)
             or next((f for f in ordered if f.in_app), None))
    header = f"{exc.type or 'error'}: {exc.message or ''}".strip().rstrip(":")
    for af in [f for f in ordered if f.in_app][:MAX_FRAME_EVIDENCE]:
        fr = af.frame
        source = f"{af.repo_path}:{fr.line}" if af.repo_path and fr.line else _input_source(state, fr.file, fr.line)
        if source is None:
            continue
        eid = book.add("stack_frame", source, f"{fr.function or '?'} — {fr.source_line or header}",
                       note="crash frame" if af is crash else "frame on the failing path")
        if af is crash:
            facts.crash_evidence_id = eid
    facts.localized = _localized(traces[0], index)
    if crash is not None:
        facts.crash_location = Location(file=crash.repo_path or crash.frame.file or "?", line=crash.frame.line,
                                        function=_crash_function(crash, exc.language, index))
    return {"traces": traces, "exception": exc, "frames": frames, "evidence": book.items, "facts": facts,
            "warnings": warnings}


def _localized(trace: ParsedTrace, index: RepoIndex | None) -> list[Suspect]:
    """Where a fix may go, from the trace alone (git history is weighed by the suspects step)."""
    from ...evidence.localize import localize

    out = []
    for loc in localize(trace, limit=8):
        mapped = index.map_path(loc.file, None) if index and loc.file else None
        if loc.file is None or (index is not None and mapped is None and any(index.files)):
            continue  # outside the repository: not a place this team can fix
        out.append(Suspect(file=mapped or loc.file, line=loc.line, function=loc.function,
                           score=round(loc.score * 0.6, 3), reason=loc.reason or "ranked from the trace"))
    return out


def _failing_tests(state: AnalysisState, book: EvidenceBook,
                   limit: int = 20) -> list[tuple[str, str, str, str]]:
    """Failing test cases of the result files named, cited as evidence: (type, message, body, test)."""
    from ...ci.detect import detect
    from ...ci.results import read_results

    texts: list[tuple[str, str, str, str]] = []
    for path in state.incident.result_paths:
        result = read_results(path, detect(path))
        for case in [c for c in result.cases if c.status in ("failed", "error")][:limit]:
            body = case.text or f"{case.type}: {case.message}"
            head = f"{case.classname}.{case.name}".strip(".")
            book.add("test_result", f"{path}:{_line_of(path, case.name)}", f"{head}: {case.message}\n{body}",
                     note=f"failing test ({case.status})")
            texts.append((case.type, case.message, body, case.name))
    return texts


_TEST_RUNNER_LOCATION = re.compile(r"^(?P<file>[\w./\\-]+\.\w+):(?P<line>\d+):\s*(?P<type>[\w.]*(?:Error|Exception|Failure)\w*)?",
                                   re.M)


def _test_failure_trace(etype: str, message: str, body: str, test: str) -> ParsedTrace:
    """A failing test as a trace: the stack trace in its body when there is one, else the test runner's
    own "path:line: ErrorType" location lines (pytest and others) as frames, the test as function."""
    trace = stacktrace.extract(body)
    if trace.exceptions and trace.exceptions[0].frames:
        return trace
    frames = [Frame(file=m["file"], line=int(m["line"]), function=test) for m in _TEST_RUNNER_LOCATION.finditer(body)]
    if not frames:
        return trace
    if not etype and ": " in message:
        etype, message = message.split(": ", 1)
    elif etype and message.startswith(f"{etype}: "):
        message = message[len(etype) + 2:]
    exc = ParsedException(type=etype or None, message=message or None, frames=frames,
                          language="python" if frames[0].file and frames[0].file.endswith(".py") else None)
    return ParsedTrace(exceptions=[exc])


def _line_of(path: Path, needle: str) -> int:
    """The first line of a results file that names the test (for a citable source), else 1."""
    quoted = f'"{needle}"'.encode()
    with path.open("rb") as fh:
        for n, line in enumerate(fh, start=1):
            if quoted in line or needle.encode() in line:
                return n
    return 1


def _traces_from_logs(state: AnalysisState, ctx: RunContext) -> list[ParsedTrace]:
    """With no trace in the text, take the first error record's embedded trace from the logs."""
    from ...evidence import logs
    from ...evidence.logs.model import LogQuery

    for path in state.incident.log_paths:
        query = LogQuery(min_level="ERROR", since=state.incident.since, until=state.incident.until, max_matches=20)
        for match in logs.search([path], query).matches:
            text = match.record.raw
            for key in ("error.stack_trace", "stack_trace", "stack", "exception", "err.stack"):
                if key in match.record.fields:
                    text = match.record.fields[key]
                    break
            trace = stacktrace.extract(text)
            if trace.exceptions:
                return [trace]
    return []


def _pick_exception(traces: list[ParsedTrace]) -> ParsedException | None:
    for trace in traces:
        exc = trace.root_exception()
        if exc is not None and exc.frames:
            return exc
    for trace in traces:
        if trace.exceptions:
            return trace.root_exception()
    return None


def _ambiguity_warnings(index: RepoIndex | None, warnings: list[str]) -> list[str]:
    """``warnings`` plus one line per trace path that matched several repository files equally well."""
    for printed, files in (index.ambiguous.items() if index else ()):
        note = (f"trace path {printed} matches {len(files)} repository files equally well "
                f"({', '.join(files[:3])}{', …' if len(files) > 3 else ''}); left unmapped rather than guessed")
        if note not in warnings:
            warnings.append(note)
    return warnings


def _map_frames(exc: ParsedException, index: RepoIndex | None, app_paths: Sequence[str] = (),
                library_paths: Sequence[str] = ()) -> list[AppFrame]:
    mapped = [index.map_path(fr.file, fr.function) if index else None for fr in exc.frames]
    app, library = stacktrace.compile_patterns(tuple(app_paths)), stacktrace.compile_patterns(tuple(library_paths))
    out = []
    for i, (fr, repo_path) in enumerate(zip(exc.frames, mapped, strict=True)):
        fr = fr.model_copy(update={"repo_path": repo_path})
        # The project's own patterns first; then, with a repo that holds some of the frames, "in the
        # repo" is what "in app" means; otherwise the path heuristics.
        in_app = stacktrace.user_verdict(fr, app, library)
        if in_app is None:
            if any(mapped):
                in_app = repo_path is not None
            else:
                in_app = fr.in_app if fr.in_app is not None else stacktrace.is_in_app(fr, exc.language)
        fr = fr.model_copy(update={"in_app": in_app})
        out.append(AppFrame(frame=fr, repo_path=repo_path, in_app=in_app, index=i))
    return out


def innermost_first(frames: list[AppFrame], language: str | None) -> list[AppFrame]:
    """Python prints the innermost frame last; JVM, JS, Go, .NET, Ruby, PHP print it first."""
    return list(reversed(frames)) if language == "python" else list(frames)


def _crash_function(crash: AppFrame, language: str | None, index: RepoIndex | None) -> str | None:
    """The function that holds the crash line. PHP prints, at each file(line), the function *called*
    there, not the one running: read the enclosing function from the source instead."""
    if language == "php" and index is not None and crash.repo_path and crash.frame.line:
        from ...evidence.source import enclosing_function

        lines = index.read_lines(crash.repo_path)
        found = enclosing_function(lines, crash.frame.line, language) if lines else None
        if found is not None:
            return found[0]
    return _short_function(crash.frame.function)


def _short_function(name: str | None) -> str | None:
    if not name:
        return None
    short = name.replace("(*", "").replace(")", "").split(".")[-1].split("::")[-1].split("->")[-1].split("\\")[-1]
    return short or name


def _input_source(state: AnalysisState, file: str | None, line: int | None) -> str | None:
    """Cite a frame of the pasted text as `input:N` (the line of the text that prints it)."""
    if not file:
        return None
    for n, text in enumerate(state.incident.text.splitlines(), start=1):
        if file in text and (line is None or str(line) in text):
            return f"input:{n}"
    return None
