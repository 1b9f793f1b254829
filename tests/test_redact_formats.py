"""Credential formats and look-alikes beyond the first families: each caught or left alone for a reason
that holds for values never seen before, identically with and without the Hyperscan pre-filter.

Every credential-shaped value is assembled at run time from a seeded generator, so no literal in
this file looks like a real key.
"""

from __future__ import annotations

import random
import string

import pytest

from fivewhys.redact import Redactor, _engine, redact

_RNG = random.Random(20240501)
_ALNUM = string.ascii_letters + string.digits


def _fake(n: int, alphabet: str = _ALNUM) -> str:
    """A random body of the documented length: digits, lower and upper case all present."""
    while True:
        body = "".join(_RNG.choice(alphabet) for _ in range(n))
        if alphabet != _ALNUM or (any(c.isdigit() for c in body) and body.lower() != body != body.upper()):
            return body


HEX = "0123456789abcdef"
PW = _fake(14)
TOKEN = _fake(40)
SLACK_APP = f"xapp-1-A{_fake(10, string.ascii_uppercase + string.digits)}-{_fake(13, string.digits)}-{_fake(64, HEX)}"
DOCKER_PAT = "dckr_pat_" + _fake(27)
GOOGLE_OAUTH = "ya29." + _fake(120, _ALNUM + "-_")
GOOGLE_CLIENT_SECRET = "GOCSPX-" + _fake(28)
TWILIO_SID, TWILIO_TOKEN = "AC" + _fake(32, HEX), _fake(32, HEX)
KEY_ID = _fake(40, HEX)

CAUGHT = [
    (f"socket mode connect with {SLACK_APP}", SLACK_APP, "slack-token"),  # app-level token
    (f"docker login -u acme -p {DOCKER_PAT}", DOCKER_PAT, "docker-token"),
    (f"gcloud auth: using {GOOGLE_OAUTH}", GOOGLE_OAUTH, "gcp-oauth-token"),
    (f"oauth client {GOOGLE_CLIENT_SECRET} rejected", GOOGLE_CLIENT_SECRET, "gcp-client-secret"),
    (f"client = Client('{TWILIO_SID}', '{TWILIO_TOKEN}')", TWILIO_TOKEN, "twilio-key"),  # the token next to its SID
    (f'  "private_key_id": "{KEY_ID}",', KEY_ID, "key"),  # a service account key's id
    (f"url=jdbc:oracle:thin:scott/{PW}@//db:1521/ORCL", PW, "url-credentials"),
    (f"sqlplus -s scott/{PW}@prod", PW, "url-credentials"),
    (f'sql.Open("mysql", "root:{PW}@tcp(db:3306)/app")', PW, "url-credentials"),
    (f"mysql -u root -p{PW} -h db", PW, "password"),  # mysql: glued to -p
    (f"docker login -u bob -p {PW} registry.example.com", PW, "password"),
    (f"redis-cli -h cache -a {PW} ping", PW, "password"),
    (f"sshpass -p {PW} ssh deploy@host", PW, "password"),
    (f"keytool -list -storepass {PW} -keystore app.jks", PW, "password"),  # a key ending in "pass"
    (f"machine api.example.com login bot password {TOKEN}", TOKEN, "password"),  # netrc, one line
    (f"machine api.example.com\n  login bot\n  password {TOKEN}\n", TOKEN, "password"),  # netrc, one per line
    (f"requirepass {PW}\n", PW, "password"),  # redis.conf directives: key, spaces, value
    (f"masterauth {PW}", PW, "token"),
    (f"HTTPBasicAuth('svc', '{PW}')", PW, "basic-auth"),
    (f'new NetworkCredential("svc", "{PW}")', PW, "basic-auth"),
    (f"os.environ['DB_PASS'] = '{PW}'", PW, "password"),
    (f'<entry key="db.password">{PW}</entry>', PW, "password"),
    (f'<property name="api_token">{TOKEN}</property>', TOKEN, "token"),
    (f"  token: >-\n    {TOKEN}\n", TOKEN, "token"),  # a YAML block scalar
    (f"X-Auth-Key: {TOKEN}", TOKEN, "auth-header"),
    (f"authorization=Bearer%20{TOKEN}", TOKEN, "auth-header"),  # URL-encoded space
]


@pytest.mark.parametrize(("text", "secret", "kind"), CAUGHT)
def test_fresh_credential_formats_are_redacted(text: str, secret: str, kind: str) -> None:
    r = Redactor()
    out = r.redact(text)
    assert secret not in out
    assert kind in r.findings


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("tel:+1-202-555-0125", "+1-202-555-0125"),
        ("tel:+442079460958", "+442079460958"),
        ("My phone number is 425 882 9090", "425 882 9090"),  # national formats, named by a phone word
        ("mobile 07911 123456", "07911 123456"),
        ("phone=020 7946 0958", "020 7946 0958"),
        ("Tel.: 030 901820", "030 901820"),
    ],
)
def test_phone_numbers_in_national_formats_are_redacted(text: str, value: str) -> None:
    assert value not in redact(text)


LEFT_ALONE = [
    "tokenizer=cl100k_base tokens_per_second=42.3",
    "password_changed_at=2024-03-01 token_expires_at=2024-06-01",
    "GetSecretValue for arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf failed",
    "Invalid token: signature verification failed",  # the sentence goes on
    "gcloud auth: using default credentials",
    "2024-05-01 INFO password: updated successfully for user 42",
    "jwt check failed: JWT token: malformed",
    "secret: !vault |",  # a YAML tag and its argument
    "MasterUserPassword: !Ref DbPasswordParam",
    "helm chart version 1.2.3.4 installed",
    "fingerprint 1a:2b:3c:4d:5e:6f:7a:8b",  # eight bytes in hex, no IPv6 address
    "git@github.com:acme/api.git",  # an SSH remote, no email
    "git clone git@gitlab.example.com:group/repo.git",  # the same with a three-label host
    "cloning ssh://git@github.com/acme/api.git into /src",  # the same remote as a URL
    "X-Hub-Signature: sha1=e6e8a1b2c3d4e5f6a7b8",  # a payload's signature
    'Authorization: Bearer realm="api"',
    "Authorization: Negotiate",
    "google-auth==2.29.0",
    '"jsonwebtoken": "^9.0.2",',
    "google-auth          2.29.0",  # pip list
    "auth=(user, password)",
    "HTTPBasicAuth('deploy', os.environ['DEPLOY_PASSWORD'])",  # the first argument is the user
    "call_id=0123-4567-8901",
    "mysql -u root -p -h db app",  # -p alone prompts
    "mysql -u root -p app < dump.sql",  # a spaced word after -p is the database
    "docker run -p 8080:80 -u 1000 nginx",
    "redis-cli -a $REDIS_PASSWORD ping",
    "sqlplus / as sysdba",
    "jdbc:oracle:thin:@//db:1521/ORCL",
    "bypass: true",
    "Password incorrect",
    "password combination.",
    "masterauth <password>",
    '<entry key="timeout">30</entry>',
    "description: |\n  The token is rotated daily.",
    "machine learning model loaded",
]


@pytest.mark.parametrize("text", LEFT_ALONE)
def test_look_alikes_are_left_alone(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("2024-05-01 INFO password: letmein for user 42", "letmein"),  # a password may be a word
        ("secret: supersecretvalue for prod", "supersecretvalue"),  # a config line's value
        (f"Invalid token: {TOKEN}", TOKEN),
        (f"Password: {PW}.", PW),
    ],
)
def test_values_of_secret_keys_stay_redacted_in_sentences(text: str, secret: str) -> None:
    assert secret not in redact(text)


@pytest.mark.parametrize("text", [text for text, _, _ in CAUGHT] + LEFT_ALONE)
def test_filtered_and_plain_runs_agree(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("hyperscan")
    fast = Redactor().redact(text)
    monkeypatch.setattr(_engine, "line_filter", lambda: None)
    assert Redactor().redact(text) == fast


@pytest.mark.parametrize(
    ("text", "value"),
    [("mail ann@mail.example.co.uk.", "ann@mail.example.co.uk"), ("to x@y.io, then", "x@y.io")],
)
def test_an_email_at_a_sentence_or_list_end_is_redacted(text: str, value: str) -> None:
    assert redact(text) == text.replace(value, "<EMAIL#1>")


# Lines built to make a backtracking pattern re-scan its input from every start (each line passes
# the Hyperscan pre-filter, so the rule's regex does run on it). Linear, each takes milliseconds;
# quadratic, the first took minutes, so a regression shows as a hung suite. The timings themselves
# are in bench/bench_hostile.py (budgets live in benchmarks, not in timed tests).
_ADVERSARIAL = {
    "header": ("x-" + "token" * 20_000 + "=\n", None),  # a name of keywords, no value
    "yaml-block": ("token: |\n  a" + " " * 100_000 + "b\n", None),  # a block value, a long run of spaces
    "cli-password": ("mysql " * 16_000 + "-p -x\n", None),  # client words, then a flag with no value
    "phone-context": ("phone" * 20_000 + " x phone 4255550123\n", "4255550123"),  # naming words, a number
}


@pytest.mark.parametrize("plain", [False, True], ids=["filtered", "plain"])
@pytest.mark.parametrize("name", list(_ADVERSARIAL))
def test_a_long_adversarial_line_is_redacted_as_data(name: str, plain: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if plain:
        monkeypatch.setattr(_engine, "line_filter", lambda: None)
    text, secret = _ADVERSARIAL[name]
    out = redact(text)
    assert out == (text if secret is None else text.replace(secret, "<PHONE#1>"))
