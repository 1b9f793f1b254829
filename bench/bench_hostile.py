"""Hostile single lines: seconds at n and 2n for each input a regex once took quadratic time on.

    .venv/bin/python bench/bench_hostile.py [--n 20000]

A linear path roughly doubles from n to 2n (ratio ~2); a quadratic one quadruples (ratio ~4) and,
at these sizes, takes seconds to minutes. Each row runs on the redactor (with and without the
Hyperscan line filter), the fingerprint masking or the stack-trace extractor. Budget: every row
under 0.1 s at n = 20,000 and a ratio under 3.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from fivewhys.evidence.stacktrace import extract
from fivewhys.evidence.stacktrace.fingerprint import mask_message
from fivewhys.redact import _engine, redact

INPUTS: dict[str, tuple[Callable[[int], str], str]] = {
    "redact: header name of keywords": (lambda n: "x-" + "token" * n + "=\n", "redact"),
    "redact: yaml block, run of spaces": (lambda n: "token: |\n  a" + " " * (5 * n) + "b\n", "redact"),
    "redact: client words, bare -p": (lambda n: "mysql " * n + "-p -x\n", "redact"),
    "redact: phone words, a number": (lambda n: "phone" * n + " x phone 4255550123\n", "redact"),
    "fingerprint: word then @": (lambda n: "a" * n + "@", "mask"),
    "fingerprint: a-a-a-…": (lambda n: "a-" * n, "mask"),
    "traces: prefix markers, 50 lines": (lambda n: ("x: at a " * (n // 40) + "\n") * 50, "extract"),
}


def _run(kind: str, text: str, plain: bool) -> float:
    saved = _engine.line_filter
    if plain:
        _engine.line_filter = lambda: None  # type: ignore[assignment]
    try:
        started = time.perf_counter()
        if kind == "redact":
            redact(text)
        elif kind == "mask":
            mask_message(text)
        else:
            extract(text)
        return time.perf_counter() - started
    finally:
        _engine.line_filter = saved  # type: ignore[assignment]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    n = parser.parse_args().n
    redact("warm up: compile the rules")
    print(f"| input | path | s at n={n} | s at 2n | ratio |\n|---|---|---|---|---|")
    for name, (make, kind) in INPUTS.items():
        for plain in ((False, True) if kind == "redact" else (False,)):
            one, two = _run(kind, make(n), plain), _run(kind, make(2 * n), plain)
            path = "plain re" if plain else ("hyperscan filter" if kind == "redact" else "-")
            print(f"| {name} | {path} | {one:.4f} | {two:.4f} | {two / max(one, 1e-6):.1f} |")


if __name__ == "__main__":
    main()
