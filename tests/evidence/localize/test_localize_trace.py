"""Ranking from the trace alone, on traces written for these tests (Java, Python, JavaScript, Go)."""

from __future__ import annotations

from fivewhys.evidence.localize import SuspectLocation, localize
from fivewhys.evidence.stacktrace import extract

RUNNER = """\tat sun.reflect.NativeMethodAccessorImpl.invoke0(Native Method)
\tat java.lang.reflect.Method.invoke(Method.java:498)
\tat org.junit.runners.model.FrameworkMethod$1.runReflectiveCall(FrameworkMethod.java:47)
\tat org.junit.runners.ParentRunner.run(ParentRunner.java:309)
"""


def rank(text: str, **kwargs: object) -> list[SuspectLocation]:
    return localize(extract(text), **kwargs)  # type: ignore[arg-type]


def names(locs: list[SuspectLocation]) -> list[str]:
    return [f"{(loc.class_name or '').rsplit('.', 1)[-1]}.{loc.function}" for loc in locs]


def test_validation_helper_ranks_its_caller_first() -> None:
    trace = """java.lang.IllegalArgumentException: The quantity must be positive
\tat org.apache.commons.lang3.Validate.isTrue(Validate.java:158)
\tat com.acme.shop.Cart.addItem(Cart.java:41)
\tat com.acme.shop.Checkout.fromRequest(Checkout.java:88)
\tat com.acme.shop.CheckoutFlowTest.addsItems(CheckoutFlowTest.java:20)
""" + RUNNER
    locs = rank(trace)
    assert names(locs)[:2] == ["Cart.addItem", "Checkout.fromRequest"]
    assert "Validate.isTrue" not in names(locs)[:2]
    assert "Validate.isTrue" in locs[0].reason


def test_exception_constructors_and_throw_helpers_are_skipped() -> None:
    trace = """com.acme.billing.BillingException: no rate for EUR
\tat com.acme.billing.BillingException.<init>(BillingException.java:12)
\tat com.acme.billing.Errors.throwMissingRate(Errors.java:30)
\tat com.acme.billing.Rates.lookup(Rates.java:77)
\tat com.acme.billing.Invoice.total(Invoice.java:19)
\tat com.acme.billing.BillingFlowTest.totals(BillingFlowTest.java:11)
""" + RUNNER
    assert names(rank(trace))[0] == "Rates.lookup"


def test_test_frames_and_runtime_frames_never_rank() -> None:
    trace = """java.lang.NullPointerException
\tat java.util.Objects.requireNonNull(Objects.java:203)
\tat com.acme.shop.Cart.total(Cart.java:12)
\tat com.acme.shop.CartTest.totalOfEmptyCart(CartTest.java:30)
\tat com.acme.shop.testing.Fixtures.run(Fixtures.java:5)
""" + RUNNER
    locs = rank(trace)
    assert names(locs) == ["Cart.total"]
    assert locs[0].file == "com/acme/shop/Cart.java" and locs[0].line == 12


def test_root_cause_frames_come_before_the_wrapper() -> None:
    trace = """java.lang.RuntimeException: request failed
\tat com.acme.api.Handler.handle(Handler.java:50)
\tat com.acme.api.ApiTest.handles(ApiTest.java:9)
""" + RUNNER + """Caused by: java.lang.NullPointerException
\tat com.acme.store.Repository.load(Repository.java:31)
\tat com.acme.api.Handler.handle(Handler.java:47)
\t... 5 more
"""
    locs = rank(trace)
    assert names(locs)[:2] == ["Repository.load", "Handler.handle"]
    assert "root cause" in locs[0].reason


def test_setter_rejecting_a_value_ranks_below_the_caller_that_computed_it() -> None:
    trace = """java.lang.IllegalArgumentException: quantity -1
\tat com.acme.shop.Order.setQuantity(Order.java:22)
\tat com.acme.shop.CsvImport.parseRow(CsvImport.java:64)
\tat com.acme.shop.CsvImport.importAll(CsvImport.java:40)
\tat com.acme.shop.CsvImportTest.imports(CsvImportTest.java:15)
""" + RUNNER
    assert names(rank(trace))[0] == "CsvImport.parseRow"


def test_recurring_methods_lead_a_stack_overflow() -> None:
    loop = "\tat com.acme.graph.Walker.visit(Walker.java:20)\n\tat com.acme.graph.Node.children(Node.java:9)\n"
    trace = "java.lang.StackOverflowError\n\tat com.acme.graph.Node.hash(Node.java:40)\n" + loop * 6
    assert names(rank(trace))[0] in ("Walker.visit", "Node.children")


def test_third_party_frames_rank_after_the_inferred_application() -> None:
    trace = """java.lang.IllegalStateException: session closed
\tat org.hibernate.internal.SessionImpl.checkOpen(SessionImpl.java:300)
\tat org.hibernate.internal.SessionImpl.find(SessionImpl.java:410)
\tat com.acme.orders.OrderRepository.byId(OrderRepository.java:25)
\tat com.acme.orders.OrderService.cancel(OrderService.java:61)
\tat com.acme.orders.OrderController.cancel(OrderController.java:33)
\tat com.acme.orders.OrderFlowTest.cancels(OrderFlowTest.java:17)
""" + RUNNER
    inferred = names(rank(trace))
    assert inferred[0] == "OrderRepository.byId"
    assert inferred.index("SessionImpl.find") > inferred.index("OrderController.cancel")
    explicit = names(rank(trace, app_prefixes=["org.hibernate"]))
    assert explicit[:2] == ["SessionImpl.checkOpen", "SessionImpl.find"]
    assert "OrderRepository.byId" in explicit


def test_python_traceback_ranks_app_code_not_site_packages_or_tests() -> None:
    trace = """Traceback (most recent call last):
  File "/srv/app/tests/test_checkout.py", line 14, in test_total
    assert checkout(cart) == 30
  File "/srv/app/shop/checkout.py", line 22, in checkout
    return price_cart(cart) + shipping(cart)
  File "/srv/app/shop/pricing.py", line 9, in price_cart
    return sum(unit_price(i) * i.qty for i in cart.items)
  File "/usr/lib/python3.11/site-packages/pydantic/main.py", line 100, in __getattr__
    raise AttributeError(item)
AttributeError: 'Item' object has no attribute 'qty'
"""
    locs = rank(trace)
    assert [loc.function for loc in locs][:2] == ["price_cart", "checkout"]
    assert all("test_" not in (loc.file or "") and "site-packages" not in (loc.file or "") for loc in locs)
    assert [loc.function for loc in rank(trace, app_prefixes=["srv/app/shop"])][:2] == ["price_cart", "checkout"]


def test_javascript_trace_skips_node_modules_and_test_files() -> None:
    trace = """TypeError: Cannot read properties of undefined (reading 'price')
    at lineTotal (/app/src/cart.js:12:20)
    at Array.map (<anonymous>)
    at Cart.total (/app/src/cart.js:30:23)
    at Object.<anonymous> (/app/test/cart.test.js:8:17)
    at Promise.then.completed (/app/node_modules/jest-circus/build/utils.js:298:28)
"""
    locs = rank(trace)
    assert [loc.function for loc in locs] == ["lineTotal", "total"]
    assert locs[1].class_name == "Cart"


def test_go_panic_skips_the_runtime() -> None:
    trace = """panic: runtime error: index out of range [3] with length 3

goroutine 1 [running]:
github.com/acme/shop/cart.(*Cart).Item(...)
\t/home/dev/shop/cart/cart.go:41
github.com/acme/shop/cart.(*Cart).Total(0xc000010000)
\t/home/dev/shop/cart/cart.go:55 +0x1d
main.main()
\t/home/dev/shop/main.go:12 +0x25
"""
    locs = rank(trace)
    assert [loc.function for loc in locs][:2] == ["Item", "Total"]
    assert locs[0].class_name == "github.com/acme/shop/cart.Cart"


def test_no_trace_gives_no_locations_and_json_uses_class_key() -> None:
    assert rank("nothing to see here") == []
    loc = SuspectLocation(file="a.py", class_name="A", function="f", line=1, score=1.0, reason="r")
    assert loc.to_json() == {"file": "a.py", "class": "A", "function": "f", "line": 1, "score": 1.0, "reason": "r"}


def test_the_class_a_test_is_named_after_breaks_a_near_tie() -> None:
    trace = """java.lang.IllegalStateException: negative balance
\tat com.acme.bank.Ledger.post(Ledger.java:70)
\tat com.acme.bank.Transfer.execute(Transfer.java:31)
\tat com.acme.bank.TransferTest.overdraws(TransferTest.java:12)
""" + RUNNER
    locs = rank(trace)
    assert names(locs) == ["Transfer.execute", "Ledger.post"]
    assert locs[0].score == 1.0 and 0 < locs[1].score < 1.0
