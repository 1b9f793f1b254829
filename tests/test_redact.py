"""Behaviour of fivewhys.redact: families caught, evidence kept, placeholders stable, never raises.

Examples are written from the token formats' public documentation, not taken from any corpus.
"""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fivewhys.redact
from fivewhys.errors import InputError
from fivewhys.redact import Redactor, redact, redact_jsonl

PEM_BODY = "MIIEowIBAAKCAQEAq7Zt0Qm4y3Hk2LrVw9XcZ1aBcDeFgHiJkLmNoPqRsTuVwXyZ\nq2w3e4r5t6y7u8i9o0pA1sS2dD3fF4gG5hH6jJ7kK8lL9zZ0xX1cC2vV3bB4nN5m"

# A made-up key in the documented shape, assembled here so no credential-shaped literal sits in the repo.
FAKE_ANTHROPIC_KEY = "sk-ant-" + "api03-" + "eQv8IB8hdY88yTdTxBIUFmDi8x2y4RuMER_bh3m1" + "xs0drDjUpNbikPI99LsI0TCl21PFFwqjeEnAJNEZ0lhTFrouRww6xAA"


def test_public_api_is_pinned() -> None:
    assert fivewhys.redact.__all__ == ["RedactOptions", "Redactor", "redact", "redact_jsonl", "redact_stream"]


@pytest.mark.parametrize(
    ("text", "secret", "kind"),
    [
        ("aws_access_key_id = AKIAQYLPMN5HXZ7RTW2B", "AKIAQYLPMN5HXZ7RTW2B", "aws-access-key"),
        ("aws_secret_access_key = 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", "q8Jd2Lm+Vb7Xc0Rz/4Tn9WkEo1Ys5Gh3Fa6Pu2Ki", "secret"),
        ("GITHUB_TOKEN=ghp_Zx81Qw7Lm2Nb6Vc5Xa4Sd3Fg2Hj1Kl0Po9Iu8", "ghp_Zx81Qw7Lm2Nb6Vc5Xa4Sd3Fg2Hj1Kl0Po9Iu8", "github-token"),
        ("git push https://oauth2:glpat-Rt5Yu7Io9Pa1Sd3Fg5Hj7K@gitlab.example.org/x.git", "glpat-Rt5Yu7Io9Pa1Sd3Fg5Hj7K", "gitlab-token"),
        ("slack: xoxb-2048163264-1024512256128-Qw3Er5Ty7Ui9Op1As3Df5Gh7", "xoxb-2048163264-1024512256128-Qw3Er5Ty7Ui9Op1As3Df5Gh7", "slack-token"),
        ("stripe.api_key = 'sk_live_51Hq2Rt7Yu9Io1Pa3Sd5Fg7Hj'", "sk_live_51Hq2Rt7Yu9Io1Pa3Sd5Fg7Hj", "stripe-key"),
        ("twilio key SK0f1e2d3c4b5a69788796a5b4c3d2e1f0", "SK0f1e2d3c4b5a69788796a5b4c3d2e1f0", "twilio-key"),
        ("SG.Qw3Er5Ty7Ui9Op1As3Df5G.Hj7Kl9Zx1Cv3Bn5Mq7We9Rt1Yu3Io5Pa7Sd9Fg1Hj3Kl5Zx7", "SG.Qw3Er5Ty7Ui9Op1As3Df5G", "sendgrid-key"),
        (f"ANTHROPIC_API_KEY={FAKE_ANTHROPIC_KEY}", FAKE_ANTHROPIC_KEY, "anthropic-key"),  # 93 characters, then AA
        ("Authorization: Bearer Zk81mQpR2vX9tL4wN7sD3fG6hJ0kC5bV", "Zk81mQpR2vX9tL4wN7sD3fG6hJ0kC5bV", "auth-header"),
        ('{"headers": {"X-Api-Key": "f9Qm2Lx7Rt4Wv8Zp1Ks6Nd3Hb5Jc0Yg"}}', "f9Qm2Lx7Rt4Wv8Zp1Ks6Nd3Hb5Jc0Yg", "auth-header"),
        ("curl -H 'Authorization: Basic YWRtaW46czNjcjN0UGFzcw==' https://api.example.org", "YWRtaW46czNjcjN0UGFzcw==", "auth-header"),
        ("curl -u deploy:Tr0ub4dor3x https://ci.example.org", "Tr0ub4dor3x", "basic-auth"),
        ("Cookie: theme=dark; sessionid=8fKq2LmZx7Vb3Nc9Rt5Wp1Ys", "8fKq2LmZx7Vb3Nc9Rt5Wp1Ys", "cookie"),
        ("Set-Cookie: JSESSIONID=Xk2Lm9Qw7Er5Ty3Ui1Op8As; Path=/; HttpOnly", "Xk2Lm9Qw7Er5Ty3Ui1Op8As", "cookie"),
        ("connecting to postgres://app:Qz8vLm2Rt5@db.internal:5432/orders", "app:Qz8vLm2Rt5", "url-credentials"),
        ("Server=db1;Database=Billing;User Id=svc;Password=Hq7.Zm2!kR;Encrypt=True;", "Hq7.Zm2!kR", "password"),
        ('{"user": "ann", "password": "correct horse battery"}', "correct horse battery", "password"),
        ("  REDIS_PASSWORD=Vx9!Lm2@Qr5", "Vx9!Lm2@Qr5", "password"),
        ("DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3A=", "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3A=", "key"),
        ("token: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbm4ifQ.c2lnbmF0dXJlLWJ5dGVzLWhlcmU", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbm4ifQ", "jwt"),
        ("key=AIzaSyQ3mN7pL2rT9vX5zB8cD1fG4hJ6kW0sY2u", "AIzaSyQ3mN7pL2rT9vX5zB8cD1fG4hJ6kW0sY2u", "gcp-api-key"),
    ],
)
def test_secret_families_are_redacted(text: str, secret: str, kind: str) -> None:
    r = Redactor()
    out = r.redact(text)
    assert secret not in out
    assert kind in r.findings


def test_pem_private_key_body_is_redacted_across_lines() -> None:
    text = f"loading key\n-----BEGIN RSA PRIVATE KEY-----\n{PEM_BODY}\n-----END RSA PRIVATE KEY-----\ndone"
    out = redact(text)
    assert "MIIEowIBAAKCAQEA" not in out and "zZ0xX1cC2vV3bB4n" not in out
    assert out.startswith("loading key\n-----BEGIN RSA PRIVATE KEY-----") and out.endswith("done")


def test_pem_key_inside_json_escaped_field_is_caught() -> None:
    body = PEM_BODY.replace("\n", "\\n")
    text = '{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\n' + body + '\\n-----END PRIVATE KEY-----\\n"}'
    out = redact(text)
    assert "MIIEowIBAAKCAQEA" not in out and "zZ0xX1cC2vV3bB4n" not in out
    assert '"type": "service_account"' in out


@pytest.mark.parametrize(
    ("text", "value", "tag"),
    [
        ("signup ok email=ann.lee@example.org plan=pro", "ann.lee@example.org", "<EMAIL#1>"),
        ("client_ip=203.0.113.77 rejected", "203.0.113.77", "<IP#1>"),
        ("login from 2001:db8:85a3::8a2e:370:7334 ok", "2001:db8:85a3::8a2e:370:7334", "<IP#1>"),
        ("charge failed card=4111 1111 1111 1111 exp=09/27", "4111 1111 1111 1111", "<CARD#1>"),
        ("sms to +44 20 7946 0958 failed", "+44 20 7946 0958", "<PHONE#1>"),
        ("call (415) 555-0173 back", "(415) 555-0173", "<PHONE#1>"),
    ],
)
def test_personal_data_is_redacted(text: str, value: str, tag: str) -> None:
    out = redact(text)
    assert value not in out and tag in out


@pytest.mark.parametrize(
    "text",
    [
        "Order 3f2b8c1e-9d4a-4e6b-8f7c-2a1b0c9d8e7f transitioned PENDING -> FAILED",
        "commit 9fceb02d0ae598e95dc970b74767f19372d61af8\nAuthor: CI Bot",
        "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        '{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7"}',
        "2024-03-12T10:15:00.123Z ERROR worker started pid=4126",
        '  File "/usr/lib/python3.11/site-packages/requests/adapters.py", line 148, in send',
        "Pulling fs layer sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "at com.acme.auth.ApiKeyAuthenticationFilter.doFilterInternal(ApiKeyAuthenticationFilter.java:57)",
        "botocore.exceptions.NoCredentialsError: Unable to locate credentials",
        "password=******** api_key: <YOUR_API_KEY> token = \"${GITHUB_TOKEN}\"",
        "max_tokens=4096 temperature=0.2 bytes_sent=4578915883107406",
        "kernel/runtime version 10.0.19041.1 detected",
        "ETag: \"d41d8cd98f00b204e9800998ecf8427e\"",
    ],
)
def test_evidence_is_not_redacted(text: str) -> None:
    assert redact(text) == text


def test_placeholders_are_stable_within_a_redactor() -> None:
    r = Redactor()
    first = r.redact("from ann@example.org and bob@example.org")
    second = r.redact("again ann@example.org")
    assert first == "from <EMAIL#1> and <EMAIL#2>"
    assert second == "again <EMAIL#1>"
    assert r.findings == {"EMAIL": 3}


def test_redaction_is_idempotent_on_mixed_text() -> None:
    text = "user=ann@example.org ip=198.51.100.4 db=mysql://root:Zr8!mQ2v@db:3306 AKIAQYLPMN5HXZ7RTW2B"
    once = redact(text)
    assert redact(once) == once
    assert Redactor().findings == {}


@pytest.mark.parametrize(
    "text",
    [
        "slack: xoxa-2-7081234561-7081234562-7081234563-9c41e7a2b0d85f36",  # legacy workspace token
        "refresh xoxr-8-q4m1zt7kx2pw",
        "bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29tLz9BY3Rpb249Q2FsbFdpdGhCZWFyZXJUb2tlbiZYLUFtei1EYXRlPTIwMjUwMTAxVDAwMDAwMFo=",  # base64 of a presigned bedrock.amazonaws.com URL
        "glptt-3f9a1c7e5b2d8f4a6c0e9b1d3f5a7c9e2b4d6f8a",  # trigger tokens: 40 characters
    ],
)
def test_documented_token_shapes_are_caught(text: str) -> None:
    assert "SECRET:" in redact(text) and text.split()[-1] not in redact(text)


@pytest.mark.parametrize(
    "text",
    [
        "xoxb-my-bot-token",  # words, no digits in the random part
        "xoxb-abcd-1234efgh",  # the alphabet in order
        'token: "xoxp-7081234561-7081234562-7081234563-####################"',  # masked
        "glptt-hellOworld380_testin",  # too short for a trigger token
        "bedrock-api-key-ZXhhbXBsZS5vcmcvP0FjdGlvbj1Ob3RoaW5nJnE9MQ==",  # not a presigned Bedrock URL
        'PASSWORD_FIELD_NAME = "password-field-name"',  # a constant holding its own name
        "DB_PASSWORD=`vault read -field=pw secret/db`",  # a shell command substitution
    ],
)
def test_documentation_look_alikes_are_left_alone(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ('cloudflare: "7c2e9a41b0d35f86e1a47c09d2b5e83f61a4c"', "7c2e9a41b0d35f86e1a47c09d2b5e83f61a4c"),  # global key: 37 hex
        ("export SUMOLOGIC_ACCESSID=suQ4m8Zt2Lx7Wv", "suQ4m8Zt2Lx7Wv"),  # access ID: 14 characters
        ('"jfrog", "k3q9z7m2x5w8v1r4t6y0u2i5o7p9a1s3d5f7g9h2j4k6l8z0x3c5v7b9n1m3q5w7"', "k3q9z7m2x5w8v1r4t6y0u2i5o7p9a1s3d5f7g9h2j4k6l8z0x3c5v7b9n1m3q5w7"),
        ('jfrog_password = "Tr0ub4dor&3"', "Tr0ub4dor&3"),  # a console password has no token shape
    ],
)
def test_a_value_of_the_vendors_shape_under_its_name_is_its_credential(text: str, secret: str) -> None:
    assert secret not in redact(text)


@pytest.mark.parametrize(
    "text",
    [
        'telegram_bot_token = "4417:A7kq2mz9x4w1v8r5t3y6u0i2o9p7a5s3d"',  # a bot id has 5-16 digits
        "ibm_cloud_api_key: Qm7xK2pL9vR4tW8zN3cF6hJ1",  # IAM API keys are 44 characters
        "SUMO_ACCESS_KEY: Zq4Lm8Tx2",  # neither a 14-character ID nor a 64-character key
        "cloudflare: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b",  # under the bare name, 40 hex is a SHA-1
    ],
)
def test_a_value_of_another_shape_under_a_vendors_name_is_left_alone(text: str) -> None:
    assert redact(text) == text


def test_twitter_bearer_token_is_caught() -> None:
    token = "A" * 22 + "Kq7%2Bm3Zp9Lx2Wv8Rt5Ys1Nd4Hb6Jc0Qg7Fk2Mx9Tz4Vb8Pn3Lw6Rh1Sd5Ye0Ua7Io3Gj9Ck2%3DXf8Ev4Dz1Bq6"
    assert token[22:40] not in redact(f"TWITTER_BEARER={token}")


def test_openai_project_key_needs_the_openai_marker() -> None:
    r = Redactor()
    r.redact("sk-proj-" + "Qm7xK2pL9vR4tW8zN3cF6hJ1" * 2)  # no T3BlbkFJ (base64 of "OpenAI")
    assert "openai-key" not in r.findings


def test_uuid_under_an_id_key_is_an_identifier() -> None:
    text = "billing_access_id: 3f6c1b2e-8d47-4a9f-b0e5-7c2d91a4f863"
    assert redact(text) == text


@pytest.mark.parametrize(
    "text",
    ['"object_key": "Invoices-2024.03"', "not_secret = plaintextvalue", "nonSecretToken = Qm7xK2pL9vR4tW8z"],
)
def test_storage_object_names_and_negated_keys_are_not_secret_keys(text: str) -> None:
    assert redact(text) == text


def test_xml_qualified_name_is_code_not_a_token() -> None:
    text = 'token = "ns4:ShipmentTrackingNumberType"'
    assert redact(text) == text


def test_maven_coordinate_is_not_a_key_value_pair() -> None:
    text = 'implementation "com.auth0:java-jwt:4.4.0"'
    assert redact(text) == text


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("my $password => vault_lookup_result;", None),  # Perl/PHP/Ruby: a bare right side is an expression
        ("db_password = Qm7xK2pL9vR4;", None),  # C family: a bare right side of a statement is an identifier
        ("Server=db;Password=Qm7xK2pL9vR4;", "Qm7xK2pL9vR4"),  # a connection string is data
    ],
)
def test_bare_values_in_code_statements_are_expressions(text: str, secret: str | None) -> None:
    out = redact(text)
    assert out == text if secret is None else secret not in out


def test_a_placeholder_reads_as_the_word_it_replaced() -> None:
    # "+1 192.168" after a word is no phone number; after "<EMAIL#1>" it must not become one
    once = redact("a@x.io+1 192.168.")
    assert once == "<EMAIL#1>+1 192.168."
    assert redact(once) == once


def test_redact_jsonl_round_trip() -> None:
    src = io.StringIO('{"id": "a", "text": "mail ann@example.org"}\n\n{"id": 2, "text": "nothing here"}\n')
    out = io.StringIO()
    redact_jsonl(src, out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert rows == [{"id": "a", "text": "mail <EMAIL#1>"}, {"id": 2, "text": "nothing here"}]


def test_redact_jsonl_reports_the_bad_line() -> None:
    with pytest.raises(InputError, match=r"^line 2: not JSON"):
        redact_jsonl(io.StringIO('{"id": 1, "text": "ok"}\n{nope\n'), io.StringIO())


_PIECES = list("abcXYZ019 =:@./-_\"'\n;,") + [
    "password=", "token: ", "AKIA", "://", "@x.io", "Q7mZ2kLp9Rv4", "192.168.", "+1 ", "-----BEGIN PRIVATE KEY-----",
]
_log_text = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)


@settings(max_examples=150, deadline=None)
@given(_log_text)
def test_property_never_raises_and_is_idempotent(text: str) -> None:
    once = redact(text)
    assert redact(once) == once


@settings(max_examples=100, deadline=None)
@given(st.lists(st.from_regex(r"[a-z][a-z0-9._]{0,12}@[a-z][a-z0-9]{1,10}\.(com|org|io)", fullmatch=True), min_size=1, max_size=4))
def test_property_same_value_same_placeholder(emails: list[str]) -> None:
    r = Redactor()
    line = " ".join(f"to={e}" for e in emails)
    a, b = r.redact(line), r.redact(line)
    assert a == b
    for e in emails:
        assert e not in a


def test_loopback_and_unspecified_addresses_stay_readable_private_ones_do_not() -> None:
    from fivewhys.redact import Redactor

    text = "connect ECONNREFUSED 127.0.0.1:6379; bind 0.0.0.0:8080; [::1]:5432; peer 10.2.3.4 and 192.168.1.20"
    out = Redactor().redact(text)
    assert "127.0.0.1:6379" in out and "0.0.0.0:8080" in out and "[::1]:5432" in out
    assert "10.2.3.4" not in out and "192.168.1.20" not in out
