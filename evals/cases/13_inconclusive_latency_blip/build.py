"""Case 13: a ten-minute latency blip with no errors, no deploy and no recent change: not enough evidence."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import fixtures  # noqa: E402
from fixtures import Log, at, history  # noqa: E402

HANDLER = '''"""POST /v1/payments: authorize with the card network, record the result."""

from payments import ledger, network


def create_payment(request):
    auth = network.authorize(request.json["card_token"], request.json["amount"])
    ledger.record(auth)
    return {"id": auth.id, "status": auth.status}, 201
'''


def latency(minute: int, k: int) -> int:
    """Milliseconds: ~120 ms, rising to ~1.8 s between 03:08 and 03:18, then back."""
    base = 110 + (k * 37) % 40
    return base * 15 if 8 <= minute < 18 and k % 2 == 0 else base


def build(dest: Path) -> None:
    history(dest, [
        ("Yara Haddad", "2026-06-02T10:00:00+00:00", "Payments API",
         {"payments/__init__.py": "", "payments/api.py": HANDLER}),
        ("Ben Carter", "2026-06-19T11:00:00+00:00", "Add a README", {"README.md": "# payments-api\n"}),
    ])
    log = Log()
    for minute in range(30):
        for k in range(6):
            ts = at("2026-07-12T03:00:00") + (at("2026-07-12T03:01:00") - at("2026-07-12T03:00:00")) * minute \
                + (at("2026-07-12T03:00:10") - at("2026-07-12T03:00:00")) * k
            stamp = ts.isoformat(timespec="milliseconds").replace("+00:00", "Z")
            log.add(ts, f"{stamp} INFO  payments-api POST /v1/payments 201 {latency(minute, k)}ms "
                        f"req_id=pay-{minute * 6 + k:05d}")
    log.save(dest, "logs/payments-access.log")


if __name__ == "__main__":
    fixtures.cli(build)
