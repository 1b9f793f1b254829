"""Case 09: log only (no repo, no trace): search fails right after a deploy that queries a missing index."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import fixtures  # noqa: E402
from fixtures import Log, at  # noqa: E402

QUERIES = ["lamp", "desk", "oak+table", "usb-c+cable", "rug", "sofa", "mirror", "shelf"]


def build(dest: Path) -> None:
    log = Log()
    deploy = at("2026-08-04T14:01:47")
    log.add(deploy, "2026-08-04T14:01:47.020Z INFO  search-api deploy: search-api v3.1.0 rolled out "
            "(image registry.internal/search-api:3.1.0, 6/6 pods ready)")
    log.add(at("2026-08-04T14:01:47.5"), "2026-08-04T14:01:47.500Z INFO  search-api config: catalog index = "
            "products-v2 (was products-v1)")
    for n in range(180):
        ts = at("2026-08-04T13:50:00") + (at("2026-08-04T13:50:07") - at("2026-08-04T13:50:00")) * n
        stamp = ts.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        q = QUERIES[n % len(QUERIES)]
        if ts < deploy:
            log.add(ts, f"{stamp} INFO  search-api GET /search?q={q} 200 {38 + n % 25}ms")
        else:
            log.add(ts, f"{stamp} ERROR search-api elasticsearch query failed: index_not_found_exception: "
                    f"no such index [products-v2] (resource.id=products-v2)")
            log.add(ts, f"{stamp} WARN  search-api GET /search?q={q} 502 7ms")
    log.save(dest, "logs/search-api.log")


if __name__ == "__main__":
    fixtures.cli(build)
