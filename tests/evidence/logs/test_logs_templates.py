"""template_of masks variables; TemplateMiner groups messages into stable templates."""

from __future__ import annotations

import pytest

from fivewhys.evidence.logs import TemplateMiner, template_of


@pytest.mark.parametrize(("message", "template"), [
    ("user 42 took 350ms from 10.0.0.1:8080", "user <*> took <*> from <*>"),
    ("request 3fa85f64-5717-4562-b3fc-2c963f66afa6 failed", "request <*> failed"),
    ("pointer 0x7ffdc0de at /var/lib/data/shard17/file.db", "pointer <*> at <*>"),
    ("key 'session-token' missing", "key <*> missing"),
    ("retry after 2.5s", "retry after <*>"),
    ("connection reset by peer", "connection reset by peer"),
    ("generating core.2275", "generating core.<*>"),
    ("jk2_init() Found child 6725 in scoreboard slot 10", "jk2_init() Found child <*> in scoreboard slot <*>"),
    ("setLightsOn(true) user=root", "setLightsOn(<*>) user=<*>"),
    ("GET /v2/servers/detail HTTP/1.1 blk_-4242", "GET <*> <*> <*>"),
])
def test_template_of_masks_variables(message: str, template: str) -> None:
    assert template_of(message) == template


def test_miner_groups_variants_and_keeps_different_events_apart() -> None:
    miner = TemplateMiner()
    ids = [
        miner.add("Failed password for root from 10.0.0.1 port 22 ssh2"),
        miner.add("Failed password for admin from 10.0.0.9 port 2222 ssh2"),
        miner.add("Accepted publickey for root from 10.0.0.1 port 22 ssh2"),
        miner.add("Connection closed by 10.0.0.2 port 4242 [preauth] now"),
        miner.add("Failed password for guest from 10.0.0.7 port 22 ssh2"),
    ]
    assert ids[0] == ids[1] == ids[4]
    assert len({ids[0], ids[2], ids[3]}) == 3
    assert miner.template(ids[0]) == "Failed password for <*> from <*> port <*> ssh2"
    assert miner.templates()[0] == ("Failed password for <*> from <*> port <*> ssh2", 3)


def test_miner_uses_first_line_of_multiline_messages() -> None:
    miner = TemplateMiner()
    a = miner.add("query failed id=7\nTraceback (most recent call last):\n  File x")
    b = miner.add("query failed id=8")
    assert a == b and miner.template(a) == "query failed id=<*>"


def test_a_few_recurring_words_at_one_place_are_different_events() -> None:
    miner = TemplateMiner()
    ids = {}
    for i in range(60):
        verb = ("Started", "Paused", "Resumed")[i % 3]
        ids[verb] = miner.add(f"[instance: {i:08x}-aaaa-bbbb-cccc-{i:012x}] VM {verb} (Lifecycle Event)")
    assert miner.template(ids["Paused"]) == "[instance: <*>] VM Paused (Lifecycle Event)"
    assert len({miner.template(i) for i in ids.values()}) == 3


def test_many_distinct_words_at_one_place_are_a_variable() -> None:
    miner = TemplateMiner()
    ids = [miner.add(f"session opened for user {name} by (uid={n})")
           for n, name in enumerate("alice bob carol dave erin frank grace heidi ivan judy".split() * 3)]
    assert {miner.template(i) for i in ids} == {"session opened for user <*> by (uid=<*>)"}


def test_a_rare_odd_value_does_not_turn_a_frequent_word_into_a_variable() -> None:
    miner = TemplateMiner()
    common = [miner.add(f"Session: {n}_{n * 7} initialized by client WindowsUpdateAgent.") for n in range(50)]
    odd = miner.add("Session: 99_1 initialized by client SPP.")
    assert miner.template(common[0]) == "Session: <*> initialized by client WindowsUpdateAgent."
    assert miner.template(odd) == "Session: <*> initialized by client SPP."


def test_values_sharing_a_key_keep_the_key() -> None:
    miner = TemplateMiner()
    ids = [miner.add(f"auth failure rhost=10.0.0.{n} user={name}") for n, name in enumerate(["fztu"] * 3 + ["bob", "x"])]
    assert miner.template(ids[0]) == "auth failure rhost=<*> user=<*>"


def test_cached_shapes_give_each_message_its_own_masking() -> None:
    """Messages equal up to their digits share a cache entry; digits that masking keeps (ssh2) are
    the message's own, and a new number costs no new masking."""
    from fivewhys.evidence.logs.templates import mask_token

    messages = ["session 4711 opened over ssh2 from 10.0.0.1:22", "session 4712 opened over ssh3 from 10.0.0.9:22",
                "session 9 opened over ssh2 from 1.2.3.4", "user42 jk2_init core.2275 ab1", "user43 jk3_init core.9999 ab9",
                "v1 2024-05-01 10:00:00 x", "v9 2024-05-01 10:00:00 x"]
    miner = TemplateMiner()
    for message in messages * 2:
        expected = [mask_token(token) for token in message.split()]
        merged = [t for i, t in enumerate(expected) if not (t == "<*>" and i and expected[i - 1] == "<*>")]
        assert miner._tokens(message) == merged


def test_a_few_recurring_user_names_are_values_not_events() -> None:
    miner = TemplateMiner()
    ids = {name: miner.add(f"session closed for user {name}")
           for _ in range(20) for name in ("cyrus", "news", "test")}
    assert len(set(ids.values())) == 1
    assert miner.template(ids["news"]) == "session closed for user <*>"


def test_one_quantity_written_two_ways_is_one_template() -> None:
    miner = TemplateMiner()
    plain = miner.add("host:443 close, 1190 bytes sent, 1671 bytes received, lifetime 00:02")
    restated = miner.add("host:443 close, 1190 bytes (1.16 KB) sent, 8301 bytes (8.10 KB) received,"
                         " lifetime <1 sec")
    assert plain == restated
    assert miner.template(plain) == "host:<*> close, <*> bytes sent, <*> bytes received, lifetime <*>"
    other = miner.add("host:443 error : Could not connect through proxy (1.16 KB) now")
    assert other != plain
