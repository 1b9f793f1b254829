"""Validators the rule table refers to: is this match really a secret / a card / an address?

Every function here is pure and cheap; regexes find candidates, these decide. Keeping the
decisions in small named functions (instead of ever longer regexes) is what lets the rules stay
readable and lets the tests pin each decision on its own.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections import Counter
from functools import lru_cache

# Values that stand for a secret without being one: templates, env references, masks.
_PLACEHOLDER = re.compile(
    r"""^(?:
        \$\{.*\}?|\$\(.*|\$[A-Za-z_][\w.]*|\{\{.*|%[sdr]|%\(.*|<[^<>]*>|\[[A-Za-z _-]*\]
      | \*+|x{3,}|X{3,}|\.{3}|…
      | (?i:none|null|nil|undefined|true|false|yes|no|empty|redacted|masked|hidden|changeme
           |change_me|password|secret|token|example|sample|dummy|test|string|required|optional)
    )$""",
    re.X,
)
_SAME_CHAR_RUN = re.compile(r"(.)\1{5,}")
_MASK_WORDS = re.compile(
    r"(?i)x{6,}|\*{4,}|your[_-]|_here\b|placeholder|example|fake|dummy|\.\.\.$|^<|^\{|(?-i:^[A-Z]+(?:_[A-Z]+)+$)"
)
_SEQUENCE = "0123456789abcdefghijklmnopqrstuvwxyz"
_DROP_VOWELS = str.maketrans("", "", "aeiouAEIOU")
_ALPHA_RUN = re.compile(r"[A-Z]?[a-z]{3,}")

# Words a key may end with that make it metadata about a secret, not the secret itself.
DENY_LAST = frozenset(
    """id ids name names type types url uri urls endpoint host file files path paths dir length len
    size count expiry expires expiration expire ttl timeout version hash hashes format mode algorithm
    alg method header headers field fields env var vars param params prefix suffix pattern regex
    policy store ref arn location label index enabled required status rotation days event events
    bucket provider source scope usage limit limits rate id_ref kind class schema table column
    column_name min max valid validity bytes encoding charset validator lifetime age duration
    manager handler service filter factory provider store issuer audience exception error errors
    failure failed invalid missing expired required mismatch secrets at date time timestamp created
    updated changed rotated""".split()
)
# Words anywhere in a key that make it a non-secret (public halves, DB keys, UI keys, counters,
# storage object names: an S3 "object key" is a file name; negations: not_secret).
DENY_ANY = frozenset(
    """public pub primary foreign csrf xsrf authenticity keyboard keycode keymap max min num
    total tokens sort partition cache idempotency integrity checksum digest md md5 sha sha1 sha256
    sha512 etag fingerprint bucket object not non tokenizer tokenize tokenized tokenization""".split()
)
_PASSWORD_PARTS = ("password", "passwd", "passwort", "passphrase")
_PASSWORD_WORDS = frozenset({"pass", "pwd", "pw"})
_STRONG_PARTS = (*_PASSWORD_PARTS, "secret", "token", "apikey", "credential", "privatekey", "accesskey", "authkey")
_STRONG_WORDS = frozenset("pass pwd auth creds cred pat".split())
# A key word ending in one of these names the credential it holds: requirepass, storepass, masterauth
_STRONG_ENDINGS = ("pass", "passwd", "pwd", "auth")
_NOT_CREDENTIAL_ENDINGS = frozenset(
    "bypass compass encompass surpass trespass overpass underpass multipass oauth".split()
)
_WEAK_LAST = frozenset("key pw sig signature session sessionid sid login hmac".split())
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+[a-z]*")


def key_words(key: str) -> list[str]:
    """Split an identifier (``AWS_SECRET_ACCESS_KEY``, ``clientSecret``) into lowercase words."""
    return [w.lower() for w in _CAMEL.findall(key)]


DENIED, NEUTRAL, WEAK, STRONG = -1, 0, 1, 2


@lru_cache(maxsize=4096)  # log keys repeat (request_id, path, status): decide each once
def key_strength(key: str) -> int:
    """How strongly a key name says "my value is a secret".

    Returns STRONG (``password``, ``api_token``: any real value is a secret), WEAK (``..._key``:
    only a random-looking value), NEUTRAL (``cloudflare``: only a very random value) or DENIED
    (``token_url``, ``primary_key``, ``max_tokens``: metadata about a secret, never the secret).
    """
    segment = key.rsplit(".", 1)[-1]
    words = key_words(segment)
    if words[-2:] == ["access", "id"] or words[-3:] == ["private", "key", "id"]:
        return WEAK  # the public half of a key pair, a service account's key id: they still identify it
    if not words or words[-1] in DENY_LAST or DENY_ANY.intersection(words):
        return DENIED
    joined = "".join(words)
    if any(p in joined for p in _STRONG_PARTS) or _STRONG_WORDS.intersection(words):
        return STRONG
    if words[-1].endswith(_STRONG_ENDINGS) and words[-1] not in _NOT_CREDENTIAL_ENDINGS:
        return STRONG
    return WEAK if words[-1] in _WEAK_LAST else NEUTRAL


# Documented shapes of vendor credentials, by the vendor's name in a key. Under a key naming the
# vendor, a value of that shape is its credential even when short or hex (SUMOLOGIC_ACCESSID holds a
# 14-character access ID), and a value of another shape is not (``telegram_token = "3139:A06o…"``:
# a bot token is a 5-16 digit bot id, ":" and 35 characters).
_VENDOR_SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("telegram", re.compile(r"\d{5,16}:A[A-Za-z0-9_\-]{34}")),
    # IAM API key: 44 of [A-Za-z0-9_-]; COS HMAC: 32-hex access key id, 48-hex secret
    ("ibm", re.compile(r"[A-Za-z0-9_\-]{44}|[0-9a-f]{32}|[0-9a-f]{48}")),
    # access ID: 14 characters; access key: 64
    ("sumo", re.compile(r"[A-Za-z0-9]{14}|[A-Za-z0-9]{64}")),
    # global API key: 37 hex; API token: 40 of [A-Za-z0-9_-]; Origin CA key: v1.0-…
    ("cloudflare", re.compile(r"[0-9a-f]{37}|[A-Za-z0-9_\-]{40}|v1\.0-[0-9a-f]{24}-[0-9a-f]{146,}")),
    # access tokens: 40 hex, now with the sgp_ prefix
    ("sourcegraph", re.compile(r"(?:sgp_(?:[A-Fa-f0-9]{16}_|local_)?)?[A-Fa-f0-9]{40}")),
    # identity and reference tokens: 64 characters; legacy API keys: 73 (AKCp…)
    ("jfrog", re.compile(r"[A-Za-z0-9]{64}|[A-Za-z0-9]{73}")),
    ("artifactory", re.compile(r"[A-Za-z0-9]{64}|[A-Za-z0-9]{73}")),
)
# Vendors whose name alone is used as a config key for their credential
BARE_VENDOR_KEYS = ("cloudflare", "sourcegraph", "artifactory", "jfrog")
_DIGEST_LENGTHS = frozenset({32, 40, 56, 64, 96, 128})


@lru_cache(maxsize=4096)
def vendor_shape(key: str) -> re.Pattern[str] | None:
    """The documented credential shape of the vendor a key names (``SUMO_ACCESS_KEY``), if any.

    A vendor name counts at the start of a word of the key (``ibmcos_secret_key``,
    ``SUMOLOGIC_ACCESSID``), never inside one. A password key has none: a user's password to a
    vendor's console is not shaped like its API tokens, and is still a secret.
    """
    words = key_words(key)
    joined = "".join(words)
    if any(p in joined for p in _PASSWORD_PARTS) or _PASSWORD_WORDS.intersection(words):
        return None
    for word in words:
        for name, shape in _VENDOR_SHAPES:
            if word.startswith(name):
                return shape
    return None


def vendor_credential(value: str, shape: re.Pattern[str], strength: int) -> bool:
    """Under a key naming a vendor: is the value that vendor's credential?

    Under a key that names only the vendor (``cloudflare: …``), a single-case hex string of a digest's
    length is a hash, as anywhere else.
    """
    if not shape.fullmatch(value) or is_placeholder(value) or _SAME_CHAR_RUN.search(value) or is_sequence(value):
        return False
    digest = _HEX.fullmatch(value) is not None and value in (value.lower(), value.upper())
    return strength != NEUTRAL or not (digest and len(value) in _DIGEST_LENGTHS)


def is_identifier(key: str, value: str) -> bool:
    """A UUID as the value of an ``…_id`` key is an identifier (RFC 4122), not a key."""
    return key_words(key)[-1:] == ["id"] and _UUID.fullmatch(value) is not None


_REVERSE_DNS = re.compile(r"(?:com|org|net|io|dev|edu)(?:\.[a-z0-9_\-]+)+")


@lru_cache(maxsize=4096)
def is_group_id(key: str) -> bool:
    """A reverse-DNS package name (``io.jsonwebtoken``): glued by ":" to what follows, it is a
    Maven/Gradle coordinate (group:artifact:version), not a key and its value."""
    return _REVERSE_DNS.fullmatch(key) is not None


def entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    if not value:
        return 0.0
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())


def is_placeholder(value: str) -> bool:
    """True for values that only stand for a secret (``${TOKEN}``, ``<YOUR_KEY>``, ``****``)."""
    v = value.strip().strip("\"'`")
    return not v or bool(_PLACEHOLDER.match(v) or _MASK_WORDS.search(v))


def is_sequence(value: str, run: int = 10) -> bool:
    """True for alphabets and counting runs (``abcdefghij``, ``0123456789``): charsets, not keys."""
    low = value.lower()
    return any(low[i:i + run] in _SEQUENCE for i in range(len(low) - run + 1))


def is_wordy(value: str) -> bool:
    """True when most of the value is pronounceable words (an identifier, not a random token).

    Random tokens have few vowels in their letter runs; names like ``requiredCharacteristicTypes``
    or ``jetbrains.mps.v8_elimination`` are mostly words.
    """
    word_chars = 0
    for run in _ALPHA_RUN.findall(value):
        if len(run) >= 4 and (len(run) - len(run.translate(_DROP_VOWELS))) * 10 >= len(run) * 3:
            word_chars += len(run)
    return word_chars * 10 >= len(value) * 4


def is_code_ref(value: str) -> bool:
    """True for code, not data: ``cache["k"]``, ``os.environ.get(``, ``Ed25519.KeyPair``,
    ``clm00972:AgencyIdentificationCodeContentType`` (an XML qualified name)."""
    if _CALL.match(value) or _QNAME.match(value):
        return True
    last = value.rsplit(".", 1)[-1]
    return bool(_DOTTED.match(value)) and (is_wordy(last) or last.isupper())


def has_alnum(value: str) -> bool:
    """True when the value holds at least one letter or digit."""
    return any(ch.isalnum() for ch in value)


def looks_random(value: str, min_len: int = 16, min_entropy: float = 2.9) -> bool:
    """True for values that look generated: long enough, varied, letters and digits mixed."""
    if len(value) < min_len or entropy(value) < min_entropy or _SAME_CHAR_RUN.search(value):
        return False
    has_digit = any(c.isdigit() for c in value)
    has_alpha = any(c.isalpha() for c in value)
    mixed_case = value != value.lower() and value != value.upper()
    return (has_digit and has_alpha) or (mixed_case and len(value) >= 20)


_HEX = re.compile(r"[0-9a-fA-F]+")
_VERSION = re.compile(r"[\^~<>=!v]{0,3}\d{1,4}(?:\.\d{1,6}){1,2}(?:[\-+][0-9A-Za-z.\-]{1,24})?")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_DIGEST = re.compile(r"(?i)(?:sha\d*|md5|blake2\w*|crc32)[-:=]")
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9+/=_\-.~]+")
# A value that is code, not data: cache["k"], os.environ.get(, settings.SECRET
_CALL = re.compile(r"^[A-Za-z_][\w.]*(?:\[|\()")
_DOTTED = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$")
_QNAME = re.compile(r"^[A-Za-z_][\w.\-]*:(?:[A-Z][a-z]{2,}){3,}$")


def very_random(value: str) -> bool:
    """A token-shaped value random enough to be a key even under a neutral name.

    Hex strings and UUIDs are excluded on purpose: under a neutral name they are ids, SHAs and
    digests, the evidence an investigation runs on.
    """
    if len(value) < 24 or not _TOKEN_CHARS.fullmatch(value) or _UUID.fullmatch(value) or _DIGEST.match(value):
        return False
    mixed_case = value.lower() != value and value.upper() != value
    if _HEX.fullmatch(value) and not mixed_case:  # digests print hex in one case; keys need not
        return False
    if value.count("/") > 1 or value.count(".") > 2 or not looks_random(value, 24, 4.0):
        return False
    has_digit = any(c.isdigit() for c in value)
    return has_digit and (mixed_case or (len(value) >= 32 and entropy(value) >= 4.3))


def plausible_secret(value: str, strength: int) -> bool:
    """Decide whether the value of a key of the given strength is worth redacting."""
    if strength != STRONG and (len(value) < (14 if strength == WEAK else 24) or is_wordy(value)):
        return False  # the cheap, usual rejections first (these are also required below)
    if strength == DENIED or is_placeholder(value) or not has_alnum(value) or is_code_ref(value):
        return False
    if _VERSION.fullmatch(value):  # google-auth==2.29.0, "jsonwebtoken": "^9.0.2"
        return False
    if strength == STRONG:
        if value.isdigit():
            return len(value) >= 8
        return len(value) >= 4 and not _SAME_CHAR_RUN.search(value)
    if is_sequence(value):
        return False
    if strength == WEAK:  # sha256=…: a webhook's signature of one payload, not a reusable key
        return looks_random(value, 14) and not _DIGEST.match(value)
    return very_random(value)


def luhn_ok(digits: str) -> bool:
    """The Luhn checksum every payment card number satisfies."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


# Issuer prefixes and lengths of the major card networks (ISO/IEC 7812 IIN ranges).
_CARD_IIN = re.compile(
    r"^(?:4\d{12}(?:\d{3}){0,2}|5[1-5]\d{14}|2(?:2[2-9]|[3-6]\d|7[01])\d{13}|2720\d{12}"
    r"|3[47]\d{13}|3(?:0[0-5]|[689]\d)\d{11,16}|6(?:011|5\d\d|4[4-9]\d)\d{12,15}"
    r"|35(?:2[89]|[3-8]\d)\d{12,15}|(?:5[06-9]|6\d)\d{10,17}|1\d{14})$"
)


def card_ok(number: str) -> bool:
    """True for a Luhn-valid number with a known issuer prefix and a card length."""
    digits = "".join(c for c in number if c.isdigit())
    return 13 <= len(digits) <= 19 and bool(_CARD_IIN.match(digits)) and luhn_ok(digits)


def ipv4_ok(text: str) -> bool:
    """True for a dotted quad with every octet 0-255 and no leading zeros, except loopback and the
    unspecified address: 127.0.0.1 and 0.0.0.0 identify no host, and "the worker dials localhost" is
    often the whole diagnosis, so they stay readable (product policy; private ranges are redacted)."""
    parts = text.split(".")
    if not (len(parts) == 4 and all(p.isdigit() and int(p) <= 255 and (p == "0" or p[0] != "0") for p in parts)):
        return False
    return parts[0] != "127" and text != "0.0.0.0"


def ipv6_ok(text: str) -> bool:
    """True for a valid IPv6 address that is not just a few colons."""
    if text.count(":") < 2 or not any(c.isalnum() for c in text):
        return False
    if "::" not in text and all(len(group) == 2 for group in text.split(":")):
        return False  # 1a:2b:…:8b, eight bytes in hex: a fingerprint or a dump, not an address
    try:
        address = ipaddress.IPv6Address(text)
    except ValueError:
        return False
    mapped = address.ipv4_mapped
    if address.is_loopback or address.is_unspecified or (mapped and (mapped.is_loopback or mapped.is_unspecified)):
        return False  # ::1, ::, ::ffff:127.0.0.1 — same policy as IPv4 loopback
    return True
