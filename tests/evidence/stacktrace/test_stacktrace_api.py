"""The public surface: __all__, corpus JSON, in_app heuristic, streaming scan."""

from __future__ import annotations

import io

import fivewhys.evidence.stacktrace as st
from fivewhys.evidence.stacktrace import Frame, extract, is_in_app, iter_traces, to_corpus_json

PY = 'Traceback (most recent call last):\n  File "/srv/app/x.py", line 3, in f\nValueError: bad\n'


def test_all_is_pinned() -> None:
    assert sorted(st.__all__) == sorted([
        "ExtraStack", "Frame", "ParsedException", "ParsedTrace", "apply_project_patterns", "compile_patterns",
        "extract", "fingerprint", "format_trace", "is_in_app", "iter_traces", "to_corpus_json", "user_verdict"])


def test_corpus_json_schema() -> None:
    doc = to_corpus_json(extract(PY))
    assert doc["exceptions"][0]["type"] == "ValueError"
    assert doc["exceptions"][0]["frames"][0] == {"file": "/srv/app/x.py", "line": 3, "column": None, "function": "f", "in_app": True}
    assert doc["extra_stacks"] == []


def test_is_in_app_library_locations() -> None:
    library = [
        Frame(file="/usr/lib/python3/dist-packages/requests/api.py"), Frame(file="/app/node_modules/x/i.js"),
        Frame(function="java.util.HashMap.get"), Frame(function="jdk.internal.misc.Unsafe.park"),
        Frame(file="/usr/local/go/src/runtime/panic.go", function="runtime.gopanic"), Frame(file="<frozen os>"),
        Frame(file="/home/u/.gem/ruby/3.3.0/gems/rack-3.0/lib/rack.rb"), Frame(file="/src/vendor/lib/a.php"),
    ]
    assert [is_in_app(f, None) for f in library] == [False] * len(library)
    assert is_in_app(Frame(file="/srv/app/billing/settings.py"), "python")
    assert is_in_app(Frame(function="com.acme.Billing.charge"), "jvm")


def test_crlf_and_negative_text() -> None:
    assert extract(PY.replace("\n", "\r\n")).exceptions[0].frames[0].line == 3
    assert extract("all good\nnothing to see here: really\n").exceptions == []
    assert extract("").exceptions == []


def test_iter_traces_reports_start_lines() -> None:
    filler = [f"2024-01-01T00:00:00Z INFO ok {n}\n" for n in range(5000)]
    lines = filler[:100] + PY.splitlines(keepends=True) + filler + ["java.lang.X: y\n", "\tat a.B.c(B.java:1)\n"]
    found = list(iter_traces(io.StringIO("".join(lines))))
    assert [(n, t.exceptions[0].type) for n, t in found] == [(101, "ValueError"), (5104, "java.lang.X")]
