"""The streaming scan: every trace found once, at the right line, whatever the block boundaries."""

from __future__ import annotations

import io
import json

import pytest

from fivewhys.evidence.stacktrace import _scan, iter_traces

_TRACES = {
    "ValueError": 'Traceback (most recent call last):\n  File "/srv/app/x.py", line 3, in f\nValueError: bad\n',
    "java.lang.IllegalStateException": "java.lang.IllegalStateException: pool\n\tat a.B.c(B.java:1)\n\tat a.B.d(B.java:2)\n",
    "TypeError": "TypeError: x is undefined\n    at f (/app/src/a.js:1:2)\n    at g (/app/src/b.js:3:4)\n",
    "panic": "panic: boom\n\ngoroutine 1 [running]:\nmain.main()\n\t/build/main.go:20 +0x1d\n",
    "RuntimeError": "app.rb:3:in 'foo': boom (RuntimeError)\n\tfrom app.rb:7:in '<main>'\n",
    "AddressSanitizer: SEGV": "==1==ERROR: AddressSanitizer: SEGV on unknown address 0x0\n    #0 0x1 in f /src/a.c:1:2\n",
}


def _log(gap: int) -> tuple[str, list[tuple[int, str]]]:
    """A log with every sample trace embedded after ``gap`` filler lines; returns (text, [(line, type)])."""
    lines: list[str] = []
    expected = []
    for k, (etype, trace) in enumerate(_TRACES.items()):
        lines += [f"2024-01-01T00:00:{k:02d}Z INFO worker done id={n} (took 3 ms) it's fine\n" for n in range(gap)]
        expected.append((len(lines) + 1, etype))
        lines += trace.splitlines(keepends=True)
    return "".join(lines), expected


@pytest.mark.parametrize("block", [64, 1000, 8 << 20])
def test_block_boundaries_do_not_lose_or_move_traces(monkeypatch: pytest.MonkeyPatch, block: int) -> None:
    monkeypatch.setattr(_scan, "_BLOCK", block)
    text, expected = _log(gap=300)
    found = [(n, t.exceptions[0].type) for n, t in iter_traces(io.BytesIO(text.encode()))]
    assert found == expected


def test_text_files_and_line_lists_scan_alike() -> None:
    text, expected = _log(gap=50)
    assert [(n, t.exceptions[0].type) for n, t in iter_traces(io.StringIO(text))] == expected
    assert [(n, t.exceptions[0].type) for n, t in iter_traces(text.splitlines())] == expected


def test_json_escaped_trace_in_a_log_field_is_found() -> None:
    record = json.dumps({"level": "error", "stack": _TRACES["java.lang.IllegalStateException"]})
    text = "".join(f"INFO ok {n}\n" for n in range(100)) + record + "\n"
    found = list(iter_traces(io.BytesIO(text.encode())))
    assert [(n, t.exceptions[0].type) for n, t in found] == [(101, "java.lang.IllegalStateException")]


def test_common_anchor_bytes_fall_back_without_missing_traces(monkeypatch: pytest.MonkeyPatch) -> None:
    # Quotes, parentheses and tabs on every line: the per-byte loops give way to the block regexes.
    monkeypatch.setattr(_scan, "_BLOCK", 4096)
    filler = "".join(f'\tk="v" (n={n}) it\'s\n' for n in range(400))
    text = filler + _TRACES["TypeError"] + filler + _TRACES["ValueError"]
    found = [(n, t.exceptions[0].type) for n, t in iter_traces(io.BytesIO(text.encode()))]
    assert found == [(401, "TypeError"), (804, "ValueError")]


@pytest.mark.parametrize(
    ("trace", "first_frame"),
    [
        # Go runtime/debug style: "file.go:N (0xpc)" lines, no tab, no "at"
        ("2024-05-01 ERROR panic: index out of range\n/srv/app/cart.go:41 (0x4a1f20)\n/usr/local/go/src/runtime/panic.go:88 (0x42aa10)\n",
         ("/srv/app/cart.go", 41)),
        # JRuby backtrace: Java and Ruby frames printed without "at"
        ("org.jruby.RubyKernel.raise(RubyKernel.java:854)\nscripts.billing.block in charge(billing.rb:17)\n", ("RubyKernel.java", 854)),
    ],
)
def test_frames_without_at_are_found_in_a_large_log(trace: str, first_frame: tuple[str, int]) -> None:
    noise = "2024-05-01 INFO GET /health 200 (1 ms)\n" * 300
    found = list(iter_traces(io.BytesIO((noise + trace + noise).encode())))
    assert len(found) == 1 and found[0][0] == 301
    frame = found[0][1].exceptions[0].frames[0]
    assert (frame.file, frame.line) == first_frame


_PYTEST_LONG = """\
    def test_total():
        cart = Cart()
        cart.add("sku-1", 2)
        cart.add("sku-2", 1)
        cart.add("sku-3", 5)
        cart.apply("SPRING")
        cart.apply("WELCOME")
        cart.remove("sku-2")
        cart.add("sku-4", 1)
        cart.add("sku-5", 1)
        cart.add("sku-6", 1)
        cart.add("sku-7", 1)
        cart.add("sku-8", 1)
>       assert cart.total() == 40
E       assert 38 == 40
E        +  where 38 = <bound method Cart.total of <Cart>>()

tests/test_cart.py:15: AssertionError
"""
_PYTEST_SHORT = (
    "tests/test_calc.py:7: in test_divide\n    assert calc.divide(4, 0) == 2\n"
    "calc.py:3: in divide\n    return a / b\nE   ZeroDivisionError: division by zero\n"
)


@pytest.mark.parametrize("block", [64, 1000, 8 << 20])
def test_pytest_reports_are_found_from_their_first_line(monkeypatch: pytest.MonkeyPatch, block: int) -> None:
    # The long entry's "def" sits 13 lines above its ">" line, more than a header's context
    monkeypatch.setattr(_scan, "_BLOCK", block)
    noise = "2024-05-01 ERROR GET /health 503 (1 ms)\n" * 300
    text = noise + _PYTEST_LONG + noise + _PYTEST_SHORT + noise
    found = [
        (n, t.exceptions[0].type, [f.function for f in t.exceptions[0].frames]) for n, t in iter_traces(io.BytesIO(text.encode()))
    ]
    second = 300 + _PYTEST_LONG.count("\n") + 300 + 1
    assert found == [(301, "AssertionError", ["test_total"]), (second, "ZeroDivisionError", ["test_divide", "divide"])]
