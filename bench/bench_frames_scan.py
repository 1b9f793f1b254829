"""Benchmark: scan a generated multi-hundred-MB log with ``iter_traces``; print MB/s and peak memory.

    .venv/bin/python bench/bench_frames_scan.py            # ~500 MB in /tmp
    .venv/bin/python bench/bench_frames_scan.py --mb 50    # quicker

The log mixes ordinary application lines with Python, Java, Node and Go traces every few
thousand lines. Peak RSS is read with resource.getrusage before and after the scan so you can
see it does not grow with the file size.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import time

from fivewhys.evidence.stacktrace import iter_traces

_TRACES = [
    "Traceback (most recent call last):\n"
    '  File "/srv/app/billing/views.py", line 42, in charge\n    total = compute(order)\n'
    '  File "/srv/app/billing/tax.py", line 7, in compute\n    return order.amount / rate\n'
    "ZeroDivisionError: division by zero\n",
    "java.lang.IllegalStateException: pool exhausted\n"
    "\tat com.acme.db.Pool.acquire(Pool.java:88)\n\tat com.acme.api.Handler.handle(Handler.java:31)\n"
    "Caused by: java.net.SocketTimeoutException: connect timed out\n"
    "\tat java.base/java.net.Socket.connect(Socket.java:633)\n\t... 2 more\n",
    "TypeError: Cannot read properties of undefined (reading 'id')\n"
    "    at getUser (/app/src/users.js:14:22)\n    at async handler (/app/src/api.js:8:5)\n",
    "panic: runtime error: index out of range [3] with length 3\n\ngoroutine 1 [running]:\n"
    "main.pick(...)\n\t/build/cmd/main.go:12\nmain.main()\n\t/build/cmd/main.go:20 +0x1d\n",
]
_WORDS = "user order request cache db session retry upstream worker queue payment token".split()


def _write_log(path: str, megabytes: int, seed: int = 7) -> int:
    """Write the synthetic log; returns the number of traces embedded."""
    rng = random.Random(seed)
    target = megabytes * 1_000_000
    written = traces = 0
    with open(path, "w", encoding="utf-8") as fh:
        while written < target:
            chunk = []
            for k in range(rng.randint(2000, 5000)):
                words = " ".join(rng.choice(_WORDS) for _ in range(8))
                chunk.append(f"2024-05-01T10:{k % 60:02d}:{k % 60:02d}.123Z INFO svc.{rng.choice(_WORDS)} {words} id={rng.randint(1, 10**9)}\n")
            chunk.append(rng.choice(_TRACES))
            traces += 1
            text = "".join(chunk)
            fh.write(text)
            written += len(text)
    return traces


def main() -> None:
    """Generate, scan, report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=int, default=500, help="log size in MB (default 500)")
    parser.add_argument("--path", default="/tmp/fivewhys_bench_scan.log")
    args = parser.parse_args()
    embedded = _write_log(args.path, args.mb)
    size = os.path.getsize(args.path)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    found = 0
    with open(args.path, "rb") as fh:
        for _line, trace in iter_traces(fh):
            found += len(trace.exceptions) > 0
    elapsed = time.perf_counter() - start
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    os.remove(args.path)
    print(f"size {size / 1e6:.0f} MB  traces embedded {embedded}  traces found {found}")
    print(f"scan {elapsed:.2f} s  {size / 1e6 / elapsed:.0f} MB/s")
    print(f"peak RSS before scan {rss_before / 1024:.0f} MB, after scan {rss_after / 1024:.0f} MB")


if __name__ == "__main__":
    main()
