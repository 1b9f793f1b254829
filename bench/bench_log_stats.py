"""Benchmark stats() and timeline() on generated 1 GB logs (JSON lines and plain text), then 5 GB.

    .venv/bin/python bench/bench_log_stats.py [--size-mb 1024] [--big-mb 5120] [--dir /tmp]

The logs look like a service's: mostly INFO/DEBUG request lines, a few percent WARN/ERROR, Python
tracebacks as continuation lines, a deploy, and from 70% of the file on a new error template at a
high rate (the incident). Each operation runs in a fresh subprocess after one warm-up read (so the
file is in the page cache) and its peak RSS is read with os.wait4. Prints MB/s and peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

START = datetime(2024, 5, 1, tzinfo=timezone.utc)
_WORDS = "user cart order payment cache db request response retry upstream queue worker".split()
_PATHS = ("/cart", "/checkout", "/api/v1/items", "/login", "/search", "/orders")


def _entry(rng: random.Random, i: int, incident: bool) -> tuple[str, str, str, dict[str, str]]:
    """(level, message, trace or "", extra fields) of the i-th event."""
    roll = rng.random()
    if incident and roll < 0.05:
        return "ERROR", f"payment gateway timeout after {rng.randint(30, 31)}s for order {i}", "", {}
    if roll < 0.02:
        trace = ('Traceback (most recent call last):\n  File "/srv/app/cart.py", line 42, in total\n'
                 f"    return sum(p.price for p in items)\nKeyError: 'sku-{rng.randint(1, 99)}'")
        return "ERROR", f"failed to price cart {rng.randint(1, 10**6)} for user {rng.randint(1, 10**5)}", trace, {}
    if roll < 0.07:
        return "WARN", f"slow query on {rng.choice(_WORDS)} took {rng.randint(500, 5000)}ms", "", {}
    if roll < 0.25:
        return "DEBUG", f"cache {rng.choice(('hit', 'miss'))} key={rng.choice(_WORDS)}:{rng.randint(1, 10**6)}", "", {}
    path = rng.choice(_PATHS)
    return "INFO", (f"GET {path}/{rng.randint(1, 9999)} 200 in {rng.randint(1, 300)}ms "
                    f"user={rng.randint(1, 10**5)} {' '.join(rng.choices(_WORDS, k=3))}"), "", {"path": path}


def generate(path: Path, size_mb: int, kind: str) -> None:
    """Write a `kind` ("json" or "text") log of about `size_mb` MB to `path`."""
    rng = random.Random(42)
    target = size_mb << 20
    # ~190 bytes per JSON event, ~120 per text event: spread the events over about 6 hours
    step_ms = max(1, int(6 * 3600 * 1000 / (target / (190 if kind == "json" else 120))))
    written, i = 0, 0
    with path.open("w") as fh:
        while written < target:
            chunk = []
            for _ in range(10_000):
                i += 1
                moment = START + timedelta(milliseconds=i * step_ms)
                incident = written > target * 0.7
                version = "1.5.0" if written > target * 0.6 else "1.4.1"
                level, message, trace, extra = _entry(rng, i, incident)
                if i % 500_000 == 1:
                    level, message = "INFO", f"deployed checkout version={version}"
                chunk.append(_line(kind, moment, level, message, trace, version, i, extra))
            text = "\n".join(chunk) + "\n"
            fh.write(text)
            written += len(text)


def _line(kind: str, moment: datetime, level: str, message: str, trace: str, version: str, i: int,
          extra: dict[str, str]) -> str:
    if kind == "json":
        entry = {"timestamp": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                 "level": level, "service": "checkout", "version": version,
                 "correlation_id": f"c-{i:x}", "message": message, **extra}
        if trace:
            entry["error"] = {"type": "KeyError", "stack_trace": trace}
        return json.dumps(entry)
    stamp = moment.strftime("%Y-%m-%d %H:%M:%S,") + f"{moment.microsecond // 1000:03d}"
    line = f"{stamp} {level} [checkout] {message} corr=c-{i:x}"
    return line + "\n" + trace if trace else line


_CHILD = """
import sys, time
from datetime import datetime
from pathlib import Path
from fivewhys.evidence.logs import stats, timeline
op, path = sys.argv[1], Path(sys.argv[2])
if op == "stats":
    r = stats([path])
    print(f"records={r.records} errors={r.levels.get('ERROR', 0)} spikes={len(r.spikes)} "
          f"new={[t.template for t in r.new_templates][:1]} markers={len(r.deploy_markers)}")
else:
    r = timeline([path], min_level="ERROR", limit=500)
    print(f"timeline={len(r)} first={r[0].source if r else None}")
"""


def run_child(op: str, path: Path) -> tuple[float, int, str]:
    """Run one operation in a fresh interpreter; its own peak RSS (KiB)."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", _CHILD, op, str(path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if status:
        raise SystemExit(err.decode(errors="replace"))
    last = out.decode(errors="replace").strip().splitlines()[-1:] or [""]
    return elapsed, usage.ru_maxrss, last[0][:110]


def warm(path: Path) -> None:
    with path.open("rb") as fh:
        while fh.read(1 << 24):
            pass


def ensure(path: Path, size_mb: int, kind: str) -> None:
    if path.exists() and abs(path.stat().st_size - (size_mb << 20)) < (8 << 20):
        return
    print(f"generating {path} ({size_mb} MB, {kind}) ...", file=sys.stderr)
    generate(path, size_mb, kind)


def row(name: str, path: Path, op: str) -> None:
    warm(path)
    size = path.stat().st_size / 1e6
    elapsed, rss, last = run_child(op, path)
    print(f"| {name:<22} | {op:<8} | {size:8.0f} | {elapsed:7.1f} | {size / elapsed:7.1f} | {rss / 1024:6.0f} | {last}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--big-mb", type=int, default=5120, help="0 skips the big stats run")
    parser.add_argument("--dir", type=Path, default=Path("/tmp"))
    parser.add_argument("--keep", action="store_true", help="keep the generated logs")
    args = parser.parse_args()
    files = {kind: args.dir / f"fivewhys-stats-{args.size_mb}.{'jsonl' if kind == 'json' else 'log'}"
             for kind in ("json", "text")}
    print(f"load average before: {_load()} (other work on the machine slows every row, rg's too)")
    print("| file                   | op       |       MB |       s |    MB/s | RSS MB | result")
    print("|------------------------|----------|----------|---------|---------|--------|-------")
    for kind, path in files.items():
        ensure(path, args.size_mb, kind)
        for op in ("stats", "timeline"):
            row(f"{args.size_mb} MB {kind}", path, op)
        if not args.keep:
            path.unlink()
    if args.big_mb:
        big = args.dir / f"fivewhys-stats-{args.big_mb}.log"
        ensure(big, args.big_mb, "text")
        row(f"{args.big_mb} MB text", big, "stats")
        if not args.keep:
            big.unlink()
    print(f"load average after: {_load()}")


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
