"""The chat's parts in-process: where sessions live, the checkpointer round trip, free-text matching."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fivewhys.chat.commands import ChatIO, dispatch
from fivewhys.chat.intent import looks_like_evidence, nearest_command
from fivewhys.chat.session import ChatInputs, Session
from fivewhys.chat.store import Store, state_dir


def test_state_dir_precedence(tmp_path: Path) -> None:
    assert state_dir({"FIVEWHYS_STATE_DIR": "/x/y", "XDG_STATE_HOME": "/s"}) == Path("/x/y")
    assert state_dir({"XDG_STATE_HOME": "/s", "HOME": "/h"}) == Path("/s/fivewhys")
    assert state_dir({"HOME": "/h"}) == Path("/h/.local/state/fivewhys")


@pytest.mark.parametrize(("text", "expected"), [
    ("who changed app/cart.py:11?", ("blame", ["app/cart.py:11"])),
    ("show me commit f281190fdf", ("commit", ["f281190fdf"])),
    ("what does E12 say", ("evidence", ["E12"])),
    ("what happened right before the first error?", ("timeline", [])),
    ("timeline for c0ffee000162", ("timeline", ["c0ffee000162"])),
    ("search the logs for 'pool exhausted'", ("logs", ["pool exhausted"])),
    ("but why?", ("why", [])),
    ("what if it's the cache?", ("hypotheses", [])),
    ("the cache was flushed at 11:20", None),
])
def test_free_text_maps_to_the_nearest_command(text: str, expected: tuple[str, list[str]] | None) -> None:
    assert nearest_command(text) == expected


def test_pasted_traces_and_log_paths_are_evidence() -> None:
    assert looks_like_evidence('Traceback (most recent call last):\n  File "a.py", line 1, in f')
    assert looks_like_evidence("see logs/db.log too")
    assert not looks_like_evidence("who changed app/cart.py:11?")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "state")
    yield s
    s.close()


def test_a_cancelled_run_is_finished_from_its_checkpoint_on_resume(example_repo: Path, store: Store) -> None:
    inputs = ChatInputs(text=(example_repo / "incident.txt").read_text(), cwd=str(example_repo), offline=True)
    session = Session.start(store, inputs)
    seen: list[str] = []

    def cancel_in_gather(msg: str) -> None:
        seen.append(msg)
        if msg.startswith("gather"):
            raise KeyboardInterrupt  # what Ctrl-C does in the middle of a node

    with pytest.raises(KeyboardInterrupt):
        session.analyze(cancel_in_gather)
    assert "done: extract" in seen and session.report is None

    again = Session.resume(store, session.id)
    assert again.interrupted and again.state is not None and again.state.frames  # extract's work was kept
    report = again.finish_interrupted(lambda _m: None)
    assert report.root_cause.location is not None and report.root_cause.location.function == "get_price"
    assert not again.interrupted


def test_redaction_masks_what_is_shown_until_turned_off(example_repo: Path, store: Store) -> None:
    secret = "AKIAQ3EGRZ7HJ4W6MS5T"
    (example_repo / "logs" / "keys.log").write_text(f"2026-11-27T11:27:00Z ERROR upload failed key={secret}\n")
    inputs = ChatInputs(text="upload fails, see logs/keys.log", cwd=str(example_repo), offline=True)
    session = Session.start(store, inputs)
    session.analyze(lambda _m: None)
    answers = [True]
    io = ChatIO(progress=lambda _m: None, confirm=lambda _q: answers.pop())
    masked = dispatch(session, "/logs upload", io).text
    assert secret not in masked and "<SECRET:aws-access-key#1>" in masked
    dispatch(session, "/redact off", io)
    assert secret in dispatch(session, "/logs upload", io).text
    assert not Session.resume(store, session.id).redact  # the switch is part of the session
