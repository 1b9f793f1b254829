"""Benchmark search() against grep and `rg -j1` on the same generated 1 GB log.

    .venv/bin/python bench/bench_log_search.py [--size-mb 1024] [--path /tmp/fivewhys-bench.log]

Each search runs in a fresh subprocess (so peak RSS is its own, read with os.wait4) after one
warm-up read, so every tool reads the file from the page cache. grep and rg print every matching
line with its number (`-n`), the same work search() does to cite `path:line`.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

NEEDLE = "c0ffee-7f3a-needle"
REGEX = r"order=\d+ declined code=E9\d\d"
START = datetime(2024, 5, 1, tzinfo=timezone.utc)


def generate(path: Path, size_mb: int) -> None:
    """A JSON-free text log: ISO stamps, levels, services, ids; a few rare needles and traces."""
    rng = random.Random(42)
    words = "user cart order payment cache db request response retry upstream queue worker".split()
    target = size_mb << 20
    written, i = 0, 0
    with path.open("w") as fh:
        while written < target:
            lines = []
            for _ in range(10_000):
                i += 1
                stamp = (START + timedelta(milliseconds=i * 7)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
                level = rng.choice(("INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"))
                body = " ".join(rng.choices(words, k=6))
                lines.append(f"{stamp} {level} svc-{i % 9} {body} req=r{i} took={rng.randint(1, 999)}ms")
                if i % 1_000_003 == 0:
                    lines.append(f"{stamp} ERROR svc-1 payment failed corr={NEEDLE} order={i}")
                if i % 700_001 == 0:
                    lines.append(f"{stamp} ERROR svc-2 order={i} declined code=E9{i % 100:02d}")
                    lines.append("Traceback (most recent call last):\n  File \"/srv/x.py\", line 1\nKeyError: 'x'")
            chunk = "\n".join(lines) + "\n"
            fh.write(chunk)
            written += len(chunk)


def measure(argv: list[str]) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (KiB) and last stdout line of one command.

    For our own runs the script prints the seconds search() itself took as its last line
    (`search_s=…`); that line is returned as is and read by `main`.
    """
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, _, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    lines = out.decode(errors="replace").strip().splitlines()
    if lines and lines[-1].startswith("search_s="):
        return elapsed, usage.ru_maxrss, lines[-2][:80] + " " + lines[-1]
    return elapsed, usage.ru_maxrss, (lines[-1:] or [""])[0][:80]


_OURS = """
import sys, time
from datetime import datetime
from pathlib import Path
from fivewhys.evidence.logs import LogQuery, search
pattern, regex, since, until = sys.argv[1], sys.argv[2] == "1", sys.argv[3], sys.argv[4]
q = LogQuery(pattern=pattern, regex=regex, since=datetime.fromisoformat(since) if since else None,
             until=datetime.fromisoformat(until) if until else None)
t = time.perf_counter()
r = search([Path(sys.argv[5])], q)
t = time.perf_counter() - t
print(f"total={r.total_matches} first={r.matches[0].record.source if r.matches else None}")
print(f"search_s={t:.4f}")
"""


def ours(path: Path, pattern: str, regex: bool, window: tuple[str, str] = ("", "")) -> list[str]:
    return [sys.executable, "-c", _OURS, pattern, "1" if regex else "0", *window, str(path)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--path", type=Path, default=Path("/tmp/fivewhys-bench.log"))
    args = parser.parse_args()
    if not args.path.exists() or args.path.stat().st_size < (args.size_mb << 20):
        print(f"generating {args.size_mb} MB at {args.path} ...", file=sys.stderr)
        generate(args.path, args.size_mb)
    size_mb = args.path.stat().st_size / 1e6
    subprocess.run(["cat", str(args.path)], stdout=subprocess.DEVNULL, check=True)  # page cache
    span = START + timedelta(hours=6), START + timedelta(hours=9)
    window = (span[0].isoformat(), span[1].isoformat())
    rg = shutil.which("rg")
    runs: list[tuple[str, str, list[str]]] = [
        ("literal", "fivewhys search()", ours(args.path, NEEDLE, False)),
        ("literal", "grep -n", ["grep", "-n", "-F", NEEDLE, str(args.path)]),
        ("regex", "fivewhys search()", ours(args.path, REGEX, True)),
        ("regex", "grep -nE", ["grep", "-n", "-E", REGEX.replace(r"\d", "[0-9]"), str(args.path)]),
        ("literal+window", "fivewhys search()", ours(args.path, NEEDLE, False, window)),
        ("regex+window", "fivewhys search()", ours(args.path, REGEX, True, window)),
    ]
    if rg:
        runs.insert(1, ("literal", "rg -j1 -n", [rg, "-j1", "-n", "-F", NEEDLE, str(args.path)]))
        runs.insert(4, ("regex", "rg -j1 -n", [rg, "-j1", "-n", REGEX, str(args.path)]))
    print(f"file: {args.path} ({size_mb:.0f} MB), cpus: {os.cpu_count()}\n")
    print(f"| search | tool | seconds | MB/s | peak RSS MB | vs rg -j1 | output |\n|---|---|---|---|---|---|---|")
    results = [(kind, tool, min((measure(argv) for _ in range(3)), key=lambda r: r[0])) for kind, tool, argv in runs]
    reference = {kind: best[0] for kind, tool, best in results if tool.startswith("rg")}
    rows = []
    for kind, tool, (seconds, rss, last) in results:
        rows.append((kind, tool, seconds, rss, last.split(" search_s=")[0]))
        if " search_s=" in last:  # the same run, without the interpreter's start-up and imports
            rows.append((kind, tool + " in-process", float(last.split("search_s=")[1]), rss, "(same run)"))
    for kind, tool, seconds, rss, last in rows:
        base = reference.get(kind) or reference.get(kind.split("+")[0])
        ratio = f"{base / seconds:.2f}x" if base else "-"
        print(f"| {kind} | {tool} | {seconds:.3f} | {size_mb / seconds:.0f} | {rss / 1024:.0f} | {ratio} | {last} |")
    print("\nfivewhys search() rows are a whole `python -c` process (start-up and imports, ~0.15 s, included);"
          "\nthe in-process rows time the search() call alone, as the analysis and the tools make it.")

if __name__ == "__main__":
    main()
