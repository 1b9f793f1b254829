"""Case 14: a JSONDecodeError in the FX refresh is the symptom; the upstream 503s before it are the trigger."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import fixtures  # noqa: E402
from fixtures import Log, at, history, line_of  # noqa: E402

CLIENT_V1 = '''"""Client of the rates-api (FX rates for pricing)."""

import requests

RATES_URL = "https://rates-api.internal/v2/latest"


def fetch_rates(base="EUR"):
    """Latest rates; raises requests.HTTPError for an error status."""
    resp = requests.get(RATES_URL, params={"base": base}, timeout=3)
    resp.raise_for_status()
    return resp.json()["rates"]
'''

CLIENT_V2 = CLIENT_V1.replace('''    resp.raise_for_status()
    return resp.json()["rates"]''', '''    if resp.status_code == 204:  # no change since the last publication
        return None
    return resp.json()["rates"]''').replace("; raises requests.HTTPError for an error status.", "; None when unchanged.")

REFRESH = '''"""Refresh the cached FX rates every minute; keep the last good ones when the upstream fails."""

import logging

import requests

from fx import cache
from fx.client import fetch_rates

log = logging.getLogger("fx.refresh")


def refresh_rates():
    try:
        rates = fetch_rates()
    except requests.RequestException as exc:
        log.warning("rates refresh failed, keeping cached rates: %s", exc)
        return
    if rates is not None:
        cache.store(rates)
'''


def trace() -> str:
    return (
        "Traceback (most recent call last):\n"
        f'  File "/srv/pricing/fx/refresh.py", line {line_of(REFRESH, "rates = fetch_rates()")}, in refresh_rates\n'
        "    rates = fetch_rates()\n"
        f'  File "/srv/pricing/fx/client.py", line {line_of(CLIENT_V2, "return resp.json()")}, in fetch_rates\n'
        '    return resp.json()["rates"]\n'
        '  File "/usr/local/lib/python3.12/site-packages/requests/models.py", line 978, in json\n'
        "    raise RequestsJSONDecodeError(e.msg, e.doc, e.pos)\n"
        "requests.exceptions.JSONDecodeError: Expecting value: line 1 column 1 (char 0)"
    )


def build(dest: Path) -> None:
    history(dest, [
        ("Lucia Romero", "2026-09-07T10:00:00+00:00", "FX rates refresh for pricing",
         {"fx/__init__.py": "", "fx/client.py": CLIENT_V1, "fx/refresh.py": REFRESH}),
        ("Arjun Mehta", "2026-10-12T11:30:00+00:00", "Treat 204 from rates-api as no change",
         {"fx/client.py": CLIENT_V2}),
        ("Lucia Romero", "2026-10-13T09:00:00+00:00", "Refresh rates every minute instead of every five",
         {"fx/refresh.py": REFRESH.replace("every minute;", "every minute (was five);")}),
    ])
    log = Log()
    for n in range(60):
        ts = at("2026-10-14T01:30:00") + (at("2026-10-14T01:31:00") - at("2026-10-14T01:30:00")) * n
        if ts < at("2026-10-14T02:00:00"):
            log.json(ts, "INFO", "rates refreshed", logger="fx.refresh", currencies=31)
            continue
        log.json(ts, "WARNING", "rates-api responded 503 Service Unavailable (text/html, 'Scheduled maintenance')",
                 logger="urllib3.connectionpool", url="https://rates-api.internal/v2/latest?base=EUR")
        log.json(ts + (at("2026-10-14T00:00:01") - at("2026-10-14T00:00:00")), "ERROR", "job refresh_rates crashed",
                 logger="scheduler", exc_info=trace())
        log.json(ts + (at("2026-10-14T00:00:02") - at("2026-10-14T00:00:00")), "ERROR",
                 "GET /quote 500: fx cache expired (last refresh 01:59:00)", logger="pricing.api")
    log.save(dest, "logs/pricing.jsonl")


if __name__ == "__main__":
    fixtures.cli(build)
