"""Throughput of fivewhys.redact on a large, realistic log (goal: >= 50 MB/s).

Generates a log in /tmp (mostly clean service lines; about 3% carry a secret or personal datum),
then redacts it streaming in chunks of whole lines with one Redactor, writing to /dev/null.

    .venv/bin/python bench/bench_redact.py            # 500 MB
    .venv/bin/python bench/bench_redact.py --mb 50    # quicker
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

from fivewhys.redact import Redactor

CHUNK_BYTES = 1 << 20


def _hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def _tok(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") for _ in range(n))


def _ts(rng: random.Random) -> str:
    return f"2024-03-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.{rng.randint(0, 999):03d}Z"


LineFn = Callable[[random.Random], str]
CLEAN: list[LineFn] = [
    lambda r: f"{_ts(r)} INFO  http request_id={uuid.UUID(int=r.getrandbits(128))} method=GET path=/api/v1/orders/{r.randint(1, 99999)} status=200 duration_ms={r.randint(1, 900)}",
    lambda r: f"{_ts(r)} DEBUG db.pool checkout conn={r.randint(1, 64)} wait_ms={r.random():.3f} trace_id={_hex(r, 32)} span_id={_hex(r, 16)}",
    lambda r: f"{_ts(r)} WARN  worker.queue lag={r.randint(0, 5000)} partition={r.randint(0, 31)} offset={r.randint(10**8, 10**10)} consumer=orders-v2",
    lambda r: f'{_ts(r)} ERROR payment.gateway upstream returned 502 after {r.randint(100, 30000)}ms (attempt {r.randint(1, 5)}/5) commit={_hex(r, 40)}',
    lambda r: f'  File "/srv/app/checkout/service.py", line {r.randint(1, 900)}, in handle_{r.choice(["cart", "order", "refund"])}',
    lambda r: f"\tat com.acme.checkout.OrderService.place(OrderService.java:{r.randint(1, 800)}) ~[app.jar:1.4.{r.randint(0, 9)}]",
    lambda r: f'{{"ts":"{_ts(r)}","level":"info","msg":"cache miss","key":"user:{r.randint(1, 10**6)}:profile","ttl_s":{r.randint(1, 3600)}}}',
    lambda r: f"{_ts(r)} INFO  deploy image=registry.internal/app@sha256:{_hex(r, 64)} replicas={r.randint(1, 12)}",
]
DIRTY: list[LineFn] = [
    lambda r: f'{r.randint(1, 223)}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)} - - [12/Mar/2024:10:15:48 +0000] "GET /api/v1/orders HTTP/1.1" 500 142',
    lambda r: f"{_ts(r)} INFO  signup.completed user_id={r.randint(1, 99999)} email=user{r.randint(1, 9999)}@example-corp.com plan=pro",
    lambda r: f"{_ts(r)} ERROR sqlalchemy could not connect to postgresql://app:{_tok(r, 16)}@db-prod-1.internal:5432/orders",
    lambda r: f"{_ts(r)} DEBUG http send: Authorization: Bearer {_tok(r, 40)}",
    lambda r: f"{_ts(r)} INFO  s3 upload as AKIA{_tok(r, 16).upper()} bucket=logs-archive",
    lambda r: f"  DB_PASSWORD={_tok(r, 20)}",
]


def generate(path: Path, megabytes: int, seed: int = 7) -> None:
    """Write a log of about ``megabytes`` MB to ``path`` (97% clean lines)."""
    rng = random.Random(seed)
    target = megabytes * 1_000_000
    written = 0
    with path.open("w", encoding="utf-8") as out:
        while written < target:
            block = "\n".join(
                (rng.choice(DIRTY) if rng.random() < 0.03 else rng.choice(CLEAN))(rng) for _ in range(2000)
            ) + "\n"
            out.write(block)
            written += len(block)


def chunks(f: TextIO) -> Iterator[str]:
    """Blocks of whole lines, about CHUNK_BYTES each."""
    while True:
        block = f.read(CHUNK_BYTES)
        if not block:
            return
        if not block.endswith("\n"):
            block += f.readline()
        yield block


def run(path: Path) -> tuple[float, float, dict[str, int]]:
    """Redact ``path`` to /dev/null; return (MB/s, seconds, findings)."""
    redactor = Redactor()
    size = path.stat().st_size
    start = time.perf_counter()
    with path.open(encoding="utf-8") as f, open(os.devnull, "w", encoding="utf-8") as sink:
        for block in chunks(f):
            sink.write(redactor.redact(block))
    seconds = time.perf_counter() - start
    return size / 1e6 / seconds, seconds, redactor.findings


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=int, default=500, help="log size in MB (default 500)")
    ap.add_argument("--path", type=Path, default=Path("/tmp/fivewhys-bench-redact.log"))
    args = ap.parse_args()
    if not args.path.exists() or abs(args.path.stat().st_size - args.mb * 1_000_000) > 2_000_000:
        t0 = time.perf_counter()
        generate(args.path, args.mb)
        print(f"generated {args.path} ({args.path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.0f}s")
    mbps, seconds, findings = run(args.path)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"redacted {args.path.stat().st_size / 1e6:.0f} MB in {seconds:.1f}s: {mbps:.1f} MB/s, peak RSS {peak_mb:.0f} MB")
    print("findings:", dict(sorted(findings.items(), key=lambda kv: -kv[1])))


if __name__ == "__main__":
    main()
