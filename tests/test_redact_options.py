"""The user's redaction rules: extra patterns, the allow-list, fields always dropped; and the
built-in behaviour untouched when none are configured."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fivewhys.config import Settings
from fivewhys.errors import ConfigError
from fivewhys.redact import RedactOptions, Redactor

# Made-up values assembled here, so no credential-shaped literal sits in the repo.
CI_KEY = "AKIA" + "ZQ4XW7RB2NC8TM5Y"  # a known, public test key a project allows
AWS_KEY = "AKIA" + "QYLPMN5HXZ7RTW2B"
ITK = "itk_" + "Qz8vLm2Rt5xWb7Nc4Yd1Ke6Hj3Pa9Sf0"


def test_a_user_pattern_replaces_its_match_with_its_label() -> None:
    r = Redactor(RedactOptions(patterns={"internal-token": r"itk_[A-Za-z0-9]{32}"}))
    out = r.redact(f"calling billing with {ITK} (retry {ITK})")
    assert out == "calling billing with <SECRET:internal-token#1> (retry <SECRET:internal-token#1>)"
    assert r.findings == {"internal-token": 2}
    assert r.redact(out) == out  # its placeholders are ours: idempotent


def test_a_user_pattern_with_a_group_s_replaces_only_the_group() -> None:
    r = Redactor(RedactOptions(patterns={"tenant": r"tenant=(?P<s>t-\d{6})"}))
    assert r.redact("GET /x tenant=t-123456 ok") == "GET /x tenant=<SECRET:tenant#1> ok"


def test_a_user_pattern_wins_over_a_built_in_rule_on_the_same_value() -> None:
    r = Redactor(RedactOptions(patterns={"internal-token": r"itk_[A-Za-z0-9]{32}"}))
    assert r.redact(f"API_TOKEN={ITK}") == "API_TOKEN=<SECRET:internal-token#1>"


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("AKIA", f"s3 {AWS_KEY} ok", "s3 <SECRET:x#1> ok"),  # overlaps the key's start
        ("LPMN5", f"s3 {AWS_KEY} ok", "s3 <SECRET:x#1> ok"),  # inside it
        (AWS_KEY[-4:] + " ok", f"s3 {AWS_KEY} ok", "s3 <SECRET:x#1>"),  # its end, and past it
        (r"(?<=password=).", "password=Qz8vLm2Rt5xWb7Nc", "password=<SECRET:x#1>"),  # one character of a value
        (r"s3 AKIA\w+", f"s3 {AWS_KEY} ok", "<SECRET:x#1> ok"),  # covers it all: the user's label
    ],
)
def test_a_user_pattern_never_shortens_a_built_in_span(pattern: str, text: str, expected: str) -> None:
    # a project's config may set patterns: one cutting a key short must not leave its rest visible
    out = Redactor(RedactOptions(patterns={"x": pattern})).redact(text)
    assert out == expected
    secret = text.partition("=")[2] or AWS_KEY
    assert not any(secret[i:i + 3] in out for i in range(len(secret) - 2))


def test_overlapping_user_spans_join_under_the_earlier_label() -> None:
    r = Redactor(RedactOptions(patterns={"first": r"tenant=t-\d+", "second": r"\d+ region=\w+"},
                               drop_fields=("note",)))
    assert r.redact("tenant=t-123456 region=eu note=abc") == "<SECRET:first#1> note=<SECRET:field#1>"


def test_an_allowed_value_is_kept_whichever_rule_finds_it() -> None:
    r = Redactor(RedactOptions(allow=frozenset({CI_KEY})))
    text = f"tests use {CI_KEY}; aws_access_key_id = {CI_KEY}; prod uses {AWS_KEY}"
    assert r.redact(text) == (f"tests use {CI_KEY}; aws_access_key_id = {CI_KEY}; "
                              "prod uses <SECRET:aws-access-key#1>")
    assert Redactor().redact(text).count("<SECRET:aws-access-key#1>") == 2  # which the built-in rule catches


def test_the_allow_list_is_exact() -> None:
    r = Redactor(RedactOptions(allow=frozenset({"ann@example.org"})))
    assert r.redact("ann@example.org ANN@example.org bob@example.org") == (
        "ann@example.org <EMAIL#1> <EMAIL#2>")


def test_dropped_fields_in_json_nested_and_dotted() -> None:
    r = Redactor(RedactOptions(drop_fields=("user.email",)))
    record = {"user": {"email": "plain-text-not-an-address", "name": "Ann"}, "user.email": "flat", "title": "ok"}
    out = json.loads(r.redact(json.dumps(record)))
    assert out == {"user": {"email": "<SECRET:field#1>", "name": "Ann"}, "user.email": "<SECRET:field#2>",
                   "title": "ok"}


def test_dropped_fields_keep_json_structure_and_literals() -> None:
    r = Redactor(RedactOptions(drop_fields=("pin", "email")))
    out = r.redact('{"email": "a", "pin": 4711, "email_verified": true, "pin2": 1, "x": {"email": null}}')
    assert out == '{"email": "<SECRET:field#1>", "pin": <SECRET:field#2>, "email_verified": true, "pin2": 1, ' \
                  '"x": {"email": null}}'


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("login ok password=hunter user=ann", "login ok password=<SECRET:field#1> user=ann"),
        ("  password: correct horse battery", "  password: <SECRET:field#1>"),
        ("password: abc  # rotated monthly", "password: <SECRET:field#1>  # rotated monthly"),
        ("GET /login?password=abc&next=/", "GET /login?password=<SECRET:field#1>&next=/"),
        ("user.email=ann cfg.user.email=bob", "user.email=<SECRET:field#1> cfg.user.email=<SECRET:field#2>"),
        ('log "{\\"password\\": \\"abc\\"}"', 'log "{\\"password\\": \\"<SECRET:field#1>\\"}"'),
        ("password_hint=abc passwords=3 mypassword=x", "password_hint=abc passwords=3 mypassword=x"),
        ('password = ""', 'password = ""'),
    ],
)
def test_dropped_fields_in_key_value_lines(line: str, expected: str) -> None:
    assert Redactor(RedactOptions(drop_fields=("password", "user.email"))).redact(line) == expected


def test_no_options_is_the_built_in_behaviour() -> None:
    text = (f"aws {AWS_KEY} mail ann@example.org DB_PASSWORD=Qz8vLm2Rt5xWb7 "
            "postgres://app:hunter2hunter2@db:5432/x user.email=x password: y")
    expected = Redactor().redact(text)
    assert Redactor(RedactOptions()).redact(text) == expected
    assert Redactor(RedactOptions.from_settings(Settings())).redact(text) == expected
    assert Redactor(None).redact(text) == expected


def test_options_come_from_the_settings_and_the_project_config(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".fivewhys.toml").write_text(
        'redact_patterns = { "internal-token" = "itk_[A-Za-z0-9]{32}" }\nredact_drop_fields = ["user.email"]\n')
    (tmp_path / "user.toml").write_text(f'redact_allow = ["{CI_KEY}"]\n')  # only the user may allow values
    env = {"FIVEWHYS_CONFIG": str(tmp_path / "user.toml")}
    options = RedactOptions.from_settings(Settings.build({}, env=env, project_dir=tmp_path))
    assert options.patterns == {"internal-token": "itk_[A-Za-z0-9]{32}"}
    assert options.allow == frozenset({CI_KEY}) and options.drop_fields == ("user.email",)


def test_a_bad_pattern_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="redact_patterns 'x': bad regex"):
        RedactOptions(patterns={"x": "itk_("})


def test_an_analysis_report_is_redacted_with_the_settings_rules() -> None:
    from fivewhys.analysis import redact_report
    from helpers import sample_report

    report = sample_report()
    settings = Settings(redact_patterns={"word": "unsupported operand"})
    assert redact_report(report, settings).title == "TypeError: <SECRET:word#1> in total"
    assert redact_report(report).title == report.title
