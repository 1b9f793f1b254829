"""Ranking with a real git repository (fixed dates): file mapping, source, history, callees."""

from __future__ import annotations

from collections.abc import Callable

from helpers import RepoBuilder

from fivewhys.evidence.localize import localize
from fivewhys.evidence.stacktrace import extract

CART = """from app.pricing import get_price


def total(cart):
    amount = 0
    for sku, qty in cart.items():
        amount += get_price(sku) * qty
    return amount
"""
PRICING_OLD = """PRICES = {"apple": 3}


def get_price(sku):
    return PRICES.get(sku, 0)
"""
PRICING_NEW = """PRICES = {"apple": 3}


def get_price(sku):
    return PRICES.get(sku)
"""
TRACE = """Traceback (most recent call last):
  File "/srv/app/app/cart.py", line 7, in total
    amount += get_price(sku) * qty
TypeError: unsupported operand type(s) for *: 'NoneType' and 'int'
"""


def test_recently_changed_callee_is_ranked_with_its_commit(repo_builder: Callable[[str], RepoBuilder]) -> None:
    repo = repo_builder("shop")
    repo.commit({"app/cart.py": CART, "app/pricing.py": PRICING_OLD}, "Cart and prices", "2024-03-01T10:00:00+00:00")
    sha = repo.commit({"app/pricing.py": PRICING_NEW}, "Return None for unknown SKUs", "2024-05-02T11:20:00+00:00")
    locs = localize(extract(TRACE), repo=repo.root)
    by_function = {loc.function: loc for loc in locs}
    assert {"total", "get_price"} <= set(by_function)
    callee = by_function["get_price"]
    assert (callee.file, callee.line) == ("app/pricing.py", 4)
    assert sha[:10] in callee.reason and "called by total" in callee.reason
    assert locs[0].function == "get_price"  # the newest change on the crash path leads
    crash = by_function["total"]
    assert crash.file == "app/cart.py" and "amount += get_price(sku) * qty" in crash.reason


def test_without_git_history_the_trace_ranking_stands(tmp_path: object) -> None:
    from pathlib import Path

    plain = Path(str(tmp_path)) / "not-a-repo"
    plain.mkdir()
    locs = localize(extract(TRACE), repo=plain)
    assert [loc.function for loc in locs] == ["total"]
    assert locs[0].file == "/srv/app/app/cart.py"
