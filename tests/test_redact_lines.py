"""The first-level line filter (fivewhys.redact._lines) changes speed, never output.

With Hyperscan the rule table only sees the lines a ``near`` pattern covers; without it, the whole
text. Every test here runs both paths and requires the same redaction.
"""

from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fivewhys.redact import Redactor, _engine
from fivewhys.redact._gate import TriggerScan
from fivewhys.redact._lines import Selection, line_filter, necessary
from fivewhys.redact._rules import rules

hyperscan = pytest.importorskip("hyperscan")

LOG = "\n".join([
    '2024-03-12T10:15:48.120Z INFO  http request_id=5f0c2f4e-3a0b-4a7e-9d51-2c9e8f1b7a10 path=/api/v1/orders status=200',
    "\tat com.acme.OrderService.place(OrderService.java:42) ~[app.jar:1.4.2]",
    '{"ts":"2024-03-12T10:15:48Z","level":"info","msg":"cache miss","key":"user:81723:profile","ttl_s":60}',
    "2024-03-12T10:15:49.002Z DEBUG http send: Authorization: Bearer Zk81mQpR2vX9tL4wN7sD3fG6hJ0kC5bV",
    "203.0.113.77 - - [12/Mar/2024:10:15:48 +0000] \"GET /x HTTP/1.1\" 500 142 from ann@example.org",
    "  DB_PASSWORD=Vx9!Lm2@Qr5Zz",
    "retry 4111111111111111 call +44 20 7946 0958 trace=4bf92f3577b34da6a3ce929d0e0e4736",
    "push https://oauth2:glpat-Rt5Yu7Io9Pa1Sd3Fg5Hj7K@gitlab.example.org/x.git",
    "env:\n  - name: DB_PASSWORD\n    value: Qz8vLm2Rt5x",
    "<password>\n  Qz8vLm2Rt5x\n</password>",
    '<add key="DbPassword"\n     value="Qz8!vLm2Rt"/>',
    "Größe=12 passwört=Qz8vLm2Rt5x café token: ghp_Zx81Qw7Lm2Nb6Vc5Xa4Sd3Fg2Hj1Kl0Po9Iu8",
    "unit\x1fseparated password:\x1cQz8vLm2Rt5x",
    'cloudflare: "7c2e9a41b0d35f86e1a47c09d2b5e83f61a4c" db_password = Qm7xK2pL9vR4;',
    "bearer=" + "A" * 22 + "Kq7%2Bm3Zp9Lx2Wv8Rt5Ys1Nd4Hb6Jc0Qg7Fk2Mx9Tz4Vb8Pn3Lw6Rh1Sd5Ye0Ua7Io3Gj9Ck2%3DXf8Ev4Dz1Bq6",
])


def _both(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    fast = Redactor().redact(text)
    with monkeypatch.context() as m:
        m.setattr(_engine, "line_filter", lambda: None)
        slow = Redactor().redact(text)
    return fast, slow


def test_hyperscan_filter_is_in_use() -> None:
    assert line_filter() is not None


def test_every_rule_has_a_near_pattern() -> None:
    assert all(rule.near for rule in rules())


@pytest.mark.parametrize("text", [LOG, *LOG.split("\n")])
def test_filtered_and_plain_runs_agree(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow = _both(text, monkeypatch)
    assert fast == slow


def test_filter_keeps_only_lines_that_can_match() -> None:
    lines = line_filter()
    assert lines is not None
    selection = lines.select(LOG)
    assert isinstance(selection, Selection)
    kept = "".join(LOG[a:b] for a, b in selection.windows)
    assert "OrderService.java" not in kept and "request_id=" not in kept
    assert "Authorization: Bearer" in kept and "Größe" in kept  # non-ASCII lines are always kept


def test_pem_block_sends_the_whole_text_on() -> None:
    lines = line_filter()
    assert lines is not None
    assert lines.select("x\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n") is None


_PIECES = list("aZ09 =:@./-_+\n;,()|~\"'<>é\x1f") + [
    "password=", "token: ", "key\": \"", "AKIA", "ghp_", "xoxb-", "sk-", "ey", "Q~", ":AA", "-us1", "4111 ", "1111",
    "+1 ", "::", "192.168.", "Q7mZ2kLp9Rv4Xw8", "<password>", "</password>", "name: X_TOKEN", "value: ", "@x.io",
    "Authorization: Bearer ", "-----BEGIN RSA PRIVATE KEY-----", "data:\n", "kind: Secret",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_property_filtered_and_plain_runs_agree(text: str) -> None:
    fast = Redactor().redact(text)
    original = _engine.line_filter
    _engine.line_filter = lambda: None  # hypothesis runs many examples per test: no fixture here
    try:
        slow = Redactor().redact(text)
    finally:
        _engine.line_filter = original
    assert fast == slow


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_property_literal_scans_agree(text: str) -> None:
    scan = TriggerScan(["sk-", "sk-ant-", "ey", "key", "é", ":AA", "-us"])
    assert sorted(scan._scan_hs(text)) == sorted(scan._scan_re(text)) if scan._hs else True


def test_without_hyperscan_there_is_no_filter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "hyperscan", None)  # makes "import hyperscan" raise ImportError
    line_filter.cache_clear()
    try:
        assert line_filter() is None
        assert Redactor().redact("  DB_PASSWORD=Qz8vLm2Rt5x") == "  DB_PASSWORD=<SECRET:password#1>"
    finally:
        line_filter.cache_clear()


@pytest.mark.parametrize(
    ("pattern", "near"),
    [
        (r"(?<![A-Za-z0-9_\-])pnu_[A-Za-z0-9]{36}(?![A-Za-z0-9_\-])", r"pnu_[A-Za-z0-9]{36}"),
        (r"(?<![\w-])ghp_[A-Za-z0-9]{30,}", r"ghp_[A-Za-z0-9]{30}"),
        (r"ey[A-Za-z0-9_\-]{10,}\.ey[A-Za-z0-9]{10,}(?:\.[A-Za-z0-9_\-]+={0,2})?", r"ey[A-Za-z0-9_\-]{10,}\.ey[A-Za-z0-9]{10}"),
        (r"dapi[a-f0-9]{32}(?:-\d)?(?=[\s(])", r"dapi[a-f0-9]{32}"),
        (r"x(?P<s>[a-z]+)", r"x(?:[a-z]+)"),
    ],
)
def test_near_pattern_is_the_pattern_without_lookarounds_or_open_tail(pattern: str, near: str) -> None:
    assert necessary(pattern) == near
