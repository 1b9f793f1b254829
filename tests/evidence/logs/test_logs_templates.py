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
    assert miner.template(ids[0]) == "Failed password for <*> from <*> port <*>"
    assert miner.templates()[0] == ("Failed password for <*> from <*> port <*>", 3)


def test_miner_uses_first_line_of_multiline_messages() -> None:
    miner = TemplateMiner()
    a = miner.add("query failed id=7\nTraceback (most recent call last):\n  File x")
    b = miner.add("query failed id=8")
    assert a == b and miner.template(a) == "query failed id=<*>"
