"""Fingerprints group one bug across deploys, line shifts and request data, and keep bugs apart."""

from __future__ import annotations

import re

import pytest

from fivewhys.evidence.stacktrace import extract, fingerprint, user_verdict
from fivewhys.evidence.stacktrace.fingerprint import mask_message
from fivewhys.evidence.stacktrace.model import Frame


def _py(root: str, line: int, key: str, fn: str = "total", exc: str = "KeyError") -> str:
    return ("Traceback (most recent call last):\n"
            f'  File "{root}/app/server.py", line {line + 40}, in handle\n    total(items)\n'
            f'  File "{root}/app/cart.py", line {line}, in {fn}\n    x = PRICES[sku]\n'
            f'  File "{root}/venv/lib/python3.12/site-packages/lib/core.py", line 9, in get\n    y\n'
            f"{exc}: {key}\n")


def _key(text: str) -> str:
    exc = extract(text).root_exception()
    assert exc is not None
    return fingerprint(exc)


def test_the_same_bug_keeps_its_key_across_deploys_line_shifts_and_data() -> None:
    first = _key(_py("/srv/releases/41", 11, "'SKU-2042'"))
    assert _key(_py("/app", 14, "'SKU-77'")) == first
    assert _key(_py("/srv/releases/42", 11, "'sku-9'")) == first
    assert re.fullmatch(r"[0-9a-f]{16}", first)


@pytest.mark.parametrize("other", [
    _py("/app", 11, "'SKU-1'", fn="subtotal"),  # another function on the path
    _py("/app", 11, "'SKU-1'", exc="IndexError"),  # another type
])
def test_different_bugs_get_different_keys(other: str) -> None:
    assert _key(other) != _key(_py("/app", 11, "'SKU-1'"))


def test_go_panics_group_by_in_app_frames_not_addresses_or_goroutines() -> None:
    def panic(goroutine: int, offset: str, user: int) -> str:
        return (f"panic: user {user} not found\n\ngoroutine {goroutine} [running]:\n"
                f"main.(*Store).Get(0xc000{offset}, 0x{user:x})\n\t/build/internal/store.go:{40 + user % 3} +0x{offset}\n"
                f"main.main()\n\t/build/main.go:17 +0x85\n")
    assert _key(panic(1, "1c", 7)) == _key(panic(23, "2f", 8812))


@pytest.mark.parametrize(("message", "masked"), [
    ("order 8812 failed for ann@example.org", "order <*> failed for <*>"),
    ("request 3fa85f64-5717-4562-b3fc-2c963f66afa6 timed out after 30s", "request <*> timed out after <*>"),
    ("cannot open /var/data/shard17/file.db: permission denied", "cannot open <*>: permission denied"),
    ("<Cart object at 0x7f3a2b1c4d50> has no attribute 'total'", "<Cart object at <*>> has no attribute <*>"),
    ("GET https://api.example.com/v1/items?id=3 returned 503", "GET <*> returned <*>"),
    ("commit deadbeefcafe1234 missing", "commit <*> missing"),
])
def test_message_data_is_masked(message: str, masked: str) -> None:
    assert mask_message(message) == masked


def test_project_patterns_decide_app_or_library_before_the_heuristics() -> None:
    generated = Frame(file="/srv/app/generated/api_pb2.py", function="Decode")
    vendored = Frame(file="/srv/app/third_party/vendorlib/x.py", function="f")
    library = [re.compile(r"/generated/")]
    app = [re.compile(r"third_party/vendorlib/")]
    assert user_verdict(generated, app, library) is False
    assert user_verdict(vendored, app, library) is True
    assert user_verdict(Frame(file="/srv/app/cart.py", function="total"), app, library) is None


@pytest.mark.parametrize("hostile", ["a" * 50_000 + "@", "a-" * 50_000, "x" * 50_000 + "://", "1." * 50_000])
def test_a_hostile_message_is_masked_within_its_bound(hostile: str) -> None:
    # quadratic masking took minutes on these (a hung suite); timings: bench/bench_hostile.py
    masked = mask_message(hostile)
    assert len(masked) <= 500 and "<*>" in masked or masked == hostile[:500]


def test_lines_full_of_prefix_markers_are_data() -> None:
    # every marker used to re-match its whole line: 31 s for 100 such lines; bench/bench_hostile.py
    trace = extract(("x: at a " * 500 + "\n") * 200)
    assert trace.exceptions == []
