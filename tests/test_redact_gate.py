"""The pre-filter (fivewhys.redact._gate/_plan) must never hide a match the rule itself would find.

Each rule runs only where one of its triggers occurs; these tests run every rule over the whole
text as well and require the same spans, so a trigger list that misses a format fails here.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fivewhys.redact import Redactor, redact
from fivewhys.redact._gate import TriggerScan, key_starts, line_windows
from fivewhys.redact._plan import plan_rules
from fivewhys.redact._rules import rules

SAMPLES = [
    "aws_access_key_id = AKIAQYLPMN5HXZ7RTW2B and ghp_Zx81Qw7Lm2Nb6Vc5Xa4Sd3Fg2Hj1Kl0Po9Iu8",
    "push https://oauth2:glpat-Rt5Yu7Io9Pa1Sd3Fg5Hj7K@gitlab.example.org/x.git",
    "slack: xoxb-2048163264-1024512256128-Qw3Er5Ty7Ui9Op1As3Df5Gh7 sk_live_51Hq2Rt7Yu9Io1Pa3Sd5Fg7Hj",
    "token: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbm4ifQ.c2lnbmF0dXJlLWJ5dGVzLWhlcmU",
    "-----BEGIN PRIVATE KEY-----\nMIIEowIBAAKCAQEAq7Zt0Qm4y3Hk2LrVw9XcZ1aBcDeFgHiJ\n-----END PRIVATE KEY-----",
    "from 203.0.113.77 and 2001:db8:85a3::8a2e:370:7334 mail ann@example.org",
    "cards 4111 1111 1111 1111 and 5500-0000-0000-0004 call +44 20 7946 0958 or (415) 555-0173",
    "bot 1234567890:AAGx7Yq2LmZ9Vb3Nc8Rt5Wp1Ys4Kd6Hf0Jq tenant 8Rq8Q~Zx81Qw7Lm2Nb6Vc5Xa4Sd3Fg2Hj1Kl0Po",
    "MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs and 0123456789abcdef0123456789abcdef-us14",
]


def _full_run(text: str) -> set[tuple[int, int, str]]:
    return {span for rule in rules() if rule.mode != "key" for span in rule.find(text)}


def _planned(text: str) -> set[tuple[int, int, str]]:
    return set(plan_rules(text))


@pytest.mark.parametrize("text", SAMPLES)
def test_prefilter_finds_what_each_rule_finds(text: str) -> None:
    assert _full_run(text) <= _planned(text)


_PIECES = [*"aZ09 =:@./-_+\n;,()|~", "AKIA", "ghp_", "xoxb-", "sk-", "ey", "Q~", ":AA", "-us1", "4111 ", "1111",
           "+1 ", "::", "192.168.", "Q7mZ2kLp9Rv4Xw8", "-----BEGIN RSA PRIVATE KEY-----", "data:", "kind: Secret"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_property_prefilter_is_sound(text: str) -> None:
    assert _full_run(text) <= _planned(text)


def test_trigger_scan_finds_overlapping_literals() -> None:
    scan = TriggerScan(["sk-", "sk-ant-", "ant"])
    found = {(start, scan.literals[n]) for start, n in scan.scan("x sk-ant-1")}
    assert found == {(2, "sk-"), (2, "sk-ant-"), (5, "ant")}


def test_line_windows_merge_and_reach_following_lines() -> None:
    text = "a\nb key\nc\nd\ne key\n"
    assert line_windows(text, [4, 14], after=1) == [(2, 10), (12, 18)]
    assert line_windows(text, [4, 8, 10], after=1) == [(2, 18)]  # 8 is inside the first window
    assert line_windows(text, [4, 8], after=1) == [(2, 12)]  # and brings its own line below


def test_a_netrc_entry_right_after_another_is_read_to_its_password() -> None:
    # the second "machine" lies in the first one's window; its password is two lines further
    text = "machine a.example.com login u password Qz8vLm2Rt5xWb7Nc\nmachine b.example.com\n\nlogin c password Hq3vLm2Rt5xWb7Nd\n"
    assert redact(text) == ("machine a.example.com login u password <SECRET:password#1>\nmachine b.example.com\n\n"
                            "login c password <SECRET:password#2>\n")


def test_key_starts_walk_back_to_the_identifier() -> None:
    text = 'x = {"db.PASSWORD": 1}'
    assert key_starts(text, [text.index("PASSWORD")]) == [5, 6]
    long_name = "x-" + "token" * 1000
    assert key_starts(long_name, range(2, len(long_name), 5)) == [0]  # every hit in one long name: its start


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("X-Auth-Token: Zk81mQpR2vX9tL4wN7sD3fG6", "Zk81mQpR2vX9tL4wN7sD3fG6"),
        ('billing.accessId = "ab3Xk9LmQ2pR7t"', "ab3Xk9LmQ2pR7t"),
        ('if ("Qz8vLm2Rt5Wx" == dbPassword) {', "Qz8vLm2Rt5Wx"),
        ('<add key="DbPassword" value="Qz8!vLm2Rt"/>', "Qz8!vLm2Rt"),
        ("env:\n  - name: DB_PASSWORD\n    value: Qz8vLm2Rt5x\n", "Qz8vLm2Rt5x"),
        ("<password>\n  Qz8vLm2Rt5x\n</password>", "Qz8vLm2Rt5x"),
    ],
)
def test_key_rules_found_from_their_trigger(text: str, secret: str) -> None:
    assert secret not in redact(text)


def test_several_cards_in_one_run_are_each_caught() -> None:
    r = Redactor()
    out = r.redact("retry 4111111111111111 5500-0000-0000-0004 4111 1111 1111 1111")
    assert out == "retry <CARD#1> <CARD#2> <CARD#3>"


@pytest.mark.parametrize("text", ["phone 415.555.0173", "tel 03-1234-5678", "call +1 415 555 0173"])
def test_phone_formats_pass_the_digit_gate(text: str) -> None:
    assert "<PHONE#1>" in redact(text)


def test_uuid_with_digit_groups_is_not_a_card() -> None:
    text = "request_id=41111111-1111-1111-a111-0123456789ab ok"
    assert redact(text) == text
