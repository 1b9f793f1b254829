#!/usr/bin/env python3
"""Build the bundled example incident: a small checkout service's git repo and its logs.

    python examples/checkout/build.py DEST

creates DEST/ (a git repository with fixed authors and dates, so every SHA is the same on every
machine) and DEST/logs/checkout.jsonl. The incident: since 11:27 on 2026-11-27, POST /checkout
fails with ``TypeError: unsupported operand type(s) for *: 'NoneType' and 'int'`` for carts holding a
SKU that is missing from the new price cache. The crash surfaces in ``app/cart.py`` (``total``), but
the defect is in ``app/pricing.py`` (``get_price``), introduced by the commit "Return None for SKUs
missing from the price cache", which shipped in v1.4.0 at 11:20.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

SERVER = '''"""HTTP handlers of the checkout service."""

import logging

from app import cart

log = logging.getLogger("checkout")


def handle_checkout(request):
    """POST /checkout: price the cart and create the order."""
    items = request.json["items"]
    amount = cart.total(items)
    log.info("order priced", extra={"amount": amount})
    return {"status": "ok", "amount": amount}
'''

CART_V1 = '''"""Cart arithmetic."""

from app import pricing


def total(items):
    """Sum of price x quantity over the cart's items, in cents."""
    subtotal = 0
    for item in items:
        price = pricing.get_price(item["sku"])
        subtotal += price * item["qty"]
    return subtotal
'''

CART_V2 = CART_V1.replace('''    return subtotal
''', '''    return apply_discount(subtotal, items)


def apply_discount(subtotal, items):
    """10% off carts of ten or more items."""
    count = sum(item["qty"] for item in items)
    return subtotal * 9 // 10 if count >= 10 else subtotal
''')

PRICING_V1 = '''"""Prices come from the catalog service."""

from app import catalog


def get_price(sku):
    """Price of one SKU in cents; raises KeyError for an unknown SKU."""
    return catalog.lookup(sku)["price_cents"]
'''

PRICING_V2 = '''"""Prices come from a local cache in front of the catalog service."""

from app import catalog

_cache = {}


def get_price(sku):
    """Price of one SKU in cents; raises KeyError for an unknown SKU."""
    if sku not in _cache:
        _cache[sku] = catalog.lookup(sku)["price_cents"]
    return _cache[sku]
'''

PRICING_V3 = '''"""Prices come from a local cache in front of the catalog service."""

from app import catalog

_cache = {}


def warm_cache(skus):
    """Load the prices of the given SKUs (called at start-up with the top sellers)."""
    for sku in skus:
        _cache[sku] = catalog.lookup(sku)["price_cents"]


def get_price(sku):
    """Price of one SKU in cents, from the cache."""
    cached = _cache.get(sku)
    if cached is None:
        return None
    return cached
'''

CATALOG = '''"""Client of the catalog service."""

import json
import urllib.request

CATALOG_URL = "http://catalog.internal:8080"


def lookup(sku):
    with urllib.request.urlopen(f"{CATALOG_URL}/skus/{sku}", timeout=2) as resp:
        return json.load(resp)
'''

SERVER_V2 = SERVER.replace('log.info("order priced", extra={"amount": amount})',
                           'log.info("order priced", extra={"amount": amount, "items": len(items)})')

COMMITS = [
    ("Alice Moreau", "alice@example.com", "2026-11-02T10:00:00+00:00", "Initial checkout service",
     {"app/__init__.py": "", "app/server.py": SERVER, "app/cart.py": CART_V1, "app/pricing.py": PRICING_V1,
      "app/catalog.py": CATALOG, "README.md": "# checkout\n\nPrices carts and creates orders.\n"}),
    ("Bruno Lee", "bruno@example.com", "2026-11-12T15:30:00+00:00", "Add 10% discount for large carts",
     {"app/cart.py": CART_V2}),
    ("Chen Wei", "chen@example.com", "2026-11-20T09:10:00+00:00", "Cache catalog prices in process",
     {"app/pricing.py": PRICING_V2}),
    ("Dana Kowalski", "dana@example.com", "2026-11-26T16:45:00+00:00",
     "Return None for SKUs missing from the price cache", {"app/pricing.py": PRICING_V3}),
    ("Erin Park", "erin@example.com", "2026-11-27T10:05:00+00:00", "Log item count with each priced order",
     {"app/server.py": SERVER_V2}),
]
RELEASE_TAG = "v1.4.0"

TRACE = '''Traceback (most recent call last):
  File "/srv/checkout/app/server.py", line 13, in handle_checkout
    amount = cart.total(items)
  File "/srv/checkout/app/cart.py", line 11, in total
    subtotal += price * item["qty"]
TypeError: unsupported operand type(s) for *: 'NoneType' and 'int\''''

CACHED = ["SKU-1001", "SKU-1002", "SKU-1003", "SKU-1004"]
UNCACHED = ["SKU-2042", "SKU-3310"]


def git(dest: Path, *args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run(["git", *args], cwd=dest, check=True, env=env, stdout=subprocess.DEVNULL)


def build_repo(dest: Path) -> None:
    base = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    base.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    git(dest, "init", "-q", "-b", "main", env=base)
    for name, email, date, subject, files in COMMITS:
        for rel, text in files.items():
            path = dest / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        env = dict(base, GIT_AUTHOR_NAME=name, GIT_AUTHOR_EMAIL=email, GIT_AUTHOR_DATE=date,
                   GIT_COMMITTER_NAME=name, GIT_COMMITTER_EMAIL=email, GIT_COMMITTER_DATE=date)
        git(dest, "add", "-A", env=env)
        git(dest, "commit", "-q", "-m", subject, env=env)
    tag_env = dict(base, GIT_COMMITTER_NAME="Release Bot", GIT_COMMITTER_EMAIL="release@example.com",
                   GIT_COMMITTER_DATE="2026-11-27T11:18:00+00:00")
    git(dest, "tag", "-a", RELEASE_TAG, "-m", f"Release {RELEASE_TAG}", env=tag_env)


def log_lines() -> list[str]:
    start = datetime(2026, 11, 27, 11, 0, 0, tzinfo=timezone.utc)
    lines = []

    def emit(ts: datetime, level: str, message: str, **extra: object) -> None:
        record = {"timestamp": ts.isoformat().replace("+00:00", "Z"), "level": level, "service": "checkout",
                  "environment": "production", "message": message, **extra}
        lines.append(json.dumps(record))

    emit(start, "INFO", "checkout v1.3.2 serving on :8000", version="v1.3.2")
    for minute in range(40):
        ts = start + timedelta(minutes=minute)
        if minute == 20:
            emit(ts + timedelta(seconds=5), "INFO", "deployed version v1.4.0 (rolling update complete)",
                 version="v1.4.0")
            emit(ts + timedelta(seconds=6), "INFO", "price cache warmed with 4 SKUs", version="v1.4.0")
        version = "v1.4.0" if minute >= 20 else "v1.3.2"
        for k in range(6):
            at = ts + timedelta(seconds=7 + k * 9)
            n = minute * 6 + k
            cid = f"c0ffee{n:06d}"
            broken = minute >= 27 and k % 3 == 0
            sku = UNCACHED[n % 2] if broken else CACHED[n % 4]
            if broken:
                emit(at, "ERROR", "unhandled exception in POST /checkout", version=version, correlation_id=cid,
                     request={"method": "POST", "path": "/checkout", "sku": sku},
                     error={"type": "TypeError",
                            "message": "unsupported operand type(s) for *: 'NoneType' and 'int'",
                            "stack_trace": TRACE})
                emit(at + timedelta(milliseconds=3), "INFO", "POST /checkout 500", version=version,
                     correlation_id=cid, status=500, duration_ms=12)
            else:
                emit(at, "INFO", "POST /checkout 200", version=version, correlation_id=cid, status=200,
                     duration_ms=40 + (n * 7) % 30, request={"method": "POST", "path": "/checkout", "sku": sku})
    return lines


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(f"usage: {argv[0]} DEST", file=sys.stderr)
        return 2
    dest = Path(argv[1])
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    build_repo(dest)
    (dest / "logs").mkdir()
    (dest / "logs" / "checkout.jsonl").write_text("\n".join(log_lines()) + "\n", encoding="utf-8")
    shutil.copy(Path(__file__).with_name("incident.txt"), dest / "incident.txt")
    print(dest)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
