"""Property tests: extract never raises, and format_trace round-trips."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fivewhys.evidence.stacktrace import Frame, ParsedException, ParsedTrace, extract, format_trace

_ident = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
_path = st.builds(lambda a, b: f"/srv/{a}/{b}", _ident, _ident)
_msg = st.from_regex(r"[a-z][a-z0-9 ]{0,20}[a-z0-9]", fullmatch=True)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_extract_never_raises_on_text(text: str) -> None:
    extract(text)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["Traceback (most recent call last):", '  File "a.py", line 1, in f', "\tat a.B.c(B.java:1)",
                                 "    at f (x.js:1:2)", "goroutine 1 [running]:", "panic: x", "#0 0x1 in f a.c:1:2", "Caused by: a.B: c",
                                 "==1==ERROR: AddressSanitizer: SEGV", "{\"stack\": \"Error: x\\n    at y\"}", "", "x" * 50]), max_size=30))
def test_extract_never_raises_on_trace_fragments(lines: list[str]) -> None:
    extract("\n".join(lines))


def _frames(language: str) -> st.SearchStrategy[list[Frame]]:
    if language == "python":
        frame = st.builds(lambda p, n, f: Frame(file=p + ".py", line=n, function=f), _path, st.integers(1, 9999), _ident)
    elif language == "jvm":
        frame = st.builds(lambda c, n, f: Frame(file=c.capitalize() + ".java", line=n, function=f"com.acme.{c.capitalize()}.{f}"),
                          _ident, st.integers(1, 9999), _ident)
    elif language == "javascript":
        frame = st.builds(lambda p, n, c, f: Frame(file=p + ".js", line=n, column=c, function=f), _path, st.integers(1, 999),
                          st.integers(1, 99), _ident)
    else:
        frame = st.builds(lambda p, n, f: Frame(file=p + ".go", line=n, function=f"main.{f}"), _path, st.integers(1, 999), _ident)
    return st.lists(frame, min_size=1, max_size=6)


_TYPES = {"python": "ValueError", "jvm": "java.lang.IllegalStateException", "javascript": "TypeError", "go": "panic"}


@st.composite
def _traces(draw: st.DrawFn) -> ParsedTrace:
    language = draw(st.sampled_from(sorted(_TYPES)))
    exc = ParsedException(type=_TYPES[language], message=draw(_msg), frames=draw(_frames(language)), language=language)
    excs = [exc]
    if language in ("python", "jvm") and draw(st.booleans()):
        cause = ParsedException(type=_TYPES[language], message=draw(_msg), frames=draw(_frames(language)), language=language)
        if language == "python":  # cause printed first
            cause.relation, exc.caused_by = "cause", 0
            excs = [cause, exc]
        else:
            cause.relation, exc.caused_by = "cause", 1
            excs = [exc, cause]
    return ParsedTrace(exceptions=excs)


def _shape(trace: ParsedTrace) -> list[tuple[object, ...]]:
    return [(e.type, e.message, e.caused_by, [(f.file, f.line, f.column, f.function) for f in e.frames]) for e in trace.exceptions]


@settings(max_examples=80, deadline=None)
@given(_traces())
def test_format_trace_round_trips(trace: ParsedTrace) -> None:
    assert _shape(extract(format_trace(trace))) == _shape(trace)
