"""Case 01: invoices in currencies without an ECB rate crash in render, because fx.convert returns None."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import fixtures  # noqa: E402
from fixtures import Log, at, history, line_of  # noqa: E402

API = '''"""HTTP handlers of the invoicing service."""

from invoicing import render, store


def create_invoice(request):
    """POST /invoices: render the order's invoice and store it."""
    order = store.load_order(request.json["order_id"])
    total = render.invoice_total(order)
    return store.save_invoice(order, total)
'''

RENDER_V1 = '''"""Invoice arithmetic and layout."""

from decimal import ROUND_HALF_UP, Decimal

from invoicing import fx

CENT = Decimal("0.01")


def invoice_total(order):
    """Order total in the customer's currency, rounded to the cent."""
    amount = fx.convert(order["total_eur"], "EUR", order["currency"])
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)
'''

RENDER_V2 = RENDER_V1 + '''

def footer(company):
    """The legal footer: company name and VAT id."""
    return f"{company['name']} · VAT {company['vat_id']}"
'''

FX_V1 = '''"""Currency conversion with the ECB daily reference rates."""

from decimal import Decimal

from invoicing import rates_client


class UnsupportedCurrency(ValueError):
    """The ECB publishes no reference rate for this currency."""


def convert(amount, source, target):
    """Convert amount from source to target; raises UnsupportedCurrency."""
    if source == target:
        return Decimal(amount)
    table = rates_client.daily_rates()
    if target not in table or source not in table:
        raise UnsupportedCurrency(target)
    return Decimal(amount) * table[target] / table[source]
'''

FX_V2 = FX_V1.replace('''    if target not in table or source not in table:
        raise UnsupportedCurrency(target)
''', '''    if target not in table or source not in table:
        return None  # no ECB rate: let the caller decide
''').replace("; raises UnsupportedCurrency.", "; None when the ECB has no rate.")

RATES = '''"""Client of the ECB reference-rate feed (cached for a day)."""

import functools
from decimal import Decimal

import requests

FEED = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml"


@functools.lru_cache(maxsize=1)
def daily_rates():
    xml = requests.get(FEED, timeout=5).text
    return {"EUR": Decimal(1), **parse(xml)}


def parse(xml):
    import re

    return {c: Decimal(r) for c, r in re.findall(r"currency='(\\w+)' rate='([\\d.]+)'", xml)}
'''

STORE = '''"""Persistence (orders are read-only here)."""


def load_order(order_id):
    raise NotImplementedError("wired to postgres in production")


def save_invoice(order, total):
    raise NotImplementedError("wired to postgres in production")
'''


def trace() -> str:
    return (
        "Traceback (most recent call last):\n"
        f'  File "/srv/invoicing/invoicing/api.py", line {line_of(API, "render.invoice_total")}, in create_invoice\n'
        "    total = render.invoice_total(order)\n"
        f'  File "/srv/invoicing/invoicing/render.py", line {line_of(RENDER_V2, "amount.quantize")}, in invoice_total\n'
        "    return amount.quantize(CENT, rounding=ROUND_HALF_UP)\n"
        "AttributeError: 'NoneType' object has no attribute 'quantize'"
    )


def build(dest: Path) -> None:
    repo = history(dest, [
        ("Marta Quintero", "2026-05-04T09:00:00+00:00", "Invoicing service: render and store invoices",
         {"invoicing/__init__.py": "", "invoicing/api.py": API, "invoicing/render.py": RENDER_V1,
          "invoicing/fx.py": FX_V1, "invoicing/rates_client.py": RATES, "invoicing/store.py": STORE,
          "requirements.txt": "requests==2.31.0\n"}),
        ("Jonas Berg", "2026-06-02T14:20:00+00:00", "Bump requests to 2.32.3", {"requirements.txt": "requests==2.32.3\n"}),
        ("Priya Natarajan", "2026-06-09T16:05:00+00:00", "Return None for currencies without an ECB rate",
         {"invoicing/fx.py": FX_V2}),
        ("Jonas Berg", "2026-06-10T08:40:00+00:00", "Add the legal footer with the VAT id to invoices",
         {"invoicing/render.py": RENDER_V2}),
    ])
    repo.tag("v2.7.0", "2026-06-10T09:00:00+00:00")
    log = Log()
    start = at("2026-06-10T09:00:00")
    log.json(at("2026-06-10T09:10:04"), "INFO", "deployed invoicing v2.7.0", service="invoicing", version="v2.7.0")
    currencies = ["EUR", "USD", "GBP", "SEK", "ARS", "PLN", "USD", "VND"]
    for n in range(96):
        ts = start + (at("2026-06-10T09:00:25") - start) * n
        cur = currencies[n % len(currencies)]
        version = "v2.7.0" if ts > at("2026-06-10T09:10:04") else "v2.6.3"
        fields = {"service": "invoicing", "version": version, "request_id": f"inv-{n:05d}", "currency": cur}
        if version == "v2.7.0" and cur in ("ARS", "VND"):
            log.json(ts, "ERROR", "unhandled exception in POST /invoices", **fields,
                     error={"type": "AttributeError", "message": "'NoneType' object has no attribute 'quantize'",
                            "stack_trace": trace()})
        else:
            log.json(ts, "INFO", "POST /invoices 201", **fields, duration_ms=35 + n % 20)
    log.save(dest, "logs/invoicing.jsonl")


if __name__ == "__main__":
    fixtures.cli(build)
