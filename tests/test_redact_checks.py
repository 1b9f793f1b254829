"""The validators in fivewhys.redact._checks, one decision per test."""

from __future__ import annotations

import pytest

from fivewhys.redact import _checks as ck


@pytest.mark.parametrize(
    ("key", "strength"),
    [
        ("private_key_id", ck.WEAK),  # a service account key's id identifies the key
        ("kms_key_id", ck.DENIED),
        ("requirepass", ck.STRONG),  # a word ending in "pass" or "auth" names a credential
        ("storepass", ck.STRONG),
        ("masterauth", ck.STRONG),
        ("bypass", ck.NEUTRAL),
        ("oauth", ck.NEUTRAL),
        ("tokenizer", ck.DENIED),
        ("password_changed_at", ck.DENIED),
        ("token_created", ck.DENIED),
    ],
)
def test_key_strength(key: str, strength: int) -> None:
    assert ck.key_strength(key) == strength


@pytest.mark.parametrize("value", ["2.29.0", "^9.0.2", ">=3.3", "1.27.3-eks-ab1cd2e", "v1.2.3"])
def test_version_strings_are_not_secrets(value: str) -> None:
    assert not ck.plausible_secret(value, ck.STRONG)


def test_a_signature_with_its_digest_name_is_not_a_key() -> None:
    assert not ck.plausible_secret("sha256=9f86d081884c7d659a2feaa0", ck.WEAK)


@pytest.mark.parametrize(
    ("text", "ok"), [("1a:2b:3c:4d:5e:6f:7a:8b", False), ("2001:db8:0:0:1:0:0:1", True), ("fe80::1a:2b", True)]
)
def test_eight_hex_bytes_are_no_ipv6_address(text: str, ok: bool) -> None:
    assert ck.ipv6_ok(text) is ok
