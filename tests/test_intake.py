"""intake: free text -> Incident."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from pathlib import Path

import pytest

from fivewhys.errors import InputError
from fivewhys.intake import parse_incident


def test_paths_named_in_the_text_are_sorted_by_kind(tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "checkout.jsonl").write_text('{"level": "INFO"}\n')
    (tmp_path / "junit.xml").write_text("<testsuite/>")
    (tmp_path / "app.py").write_text("x = 1\n")
    inc = parse_incident("checkout times out, see logs/checkout.jsonl, junit.xml and app.py", cwd=tmp_path)
    assert inc.log_paths == [tmp_path / "logs" / "checkout.jsonl"]
    assert inc.result_paths == [tmp_path / "junit.xml"]
    assert inc.source_paths == [tmp_path / "app.py"]


def test_a_folder_given_with_log_adds_its_log_files(tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    for name in ("a.log", "b.jsonl", "notes.md"):
        (tmp_path / "logs" / name).write_text("x\n")
    inc = parse_incident("it broke", cwd=tmp_path, logs=[Path("logs")])
    assert [p.name for p in inc.log_paths] == ["a.log", "b.jsonl"]


@pytest.mark.parametrize(
    ("text", "since_time", "until_time"),
    [
        ("checkout times out since 11:27", time(11, 27), None),
        ("errors between 14:00 and 14:30 on checkout", time(14, 0), time(14, 30)),
        ("broken from 9:05 to 09:40", time(9, 5), time(9, 40)),
        ("started at 23:59:30 and still failing", time(23, 59, 30), None),
        ("down since 9:30:00", time(9, 30), None),
    ],
)
def test_times_of_day(tmp_path: Path, text: str, since_time: time, until_time: time | None) -> None:
    inc = parse_incident(text, cwd=tmp_path)
    assert inc.since_time == since_time
    assert inc.until_time == until_time


def test_iso_window_and_lookback(tmp_path: Path) -> None:
    inc = parse_incident("500s since 2026-11-27T11:27:00Z until 2026-11-27 12:00", cwd=tmp_path)
    assert inc.since == datetime(2026, 11, 27, 11, 27, tzinfo=timezone.utc)
    assert inc.until == datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)  # no zone given: UTC, as in the logs
    assert parse_incident("p99 doubled in the last 2h", cwd=tmp_path).lookback == timedelta(hours=2)
    assert parse_incident("past 30 minutes were bad", cwd=tmp_path).lookback == timedelta(minutes=30)


def test_identifiers_and_services(tmp_path: Path) -> None:
    inc = parse_incident("the payments service fails for correlation_id=c0ffee000162 and trace id "
                         "4bf92f3577b34da6a3ce929d0e0e4736, request 3fa85f64-5717-4562-b3fc-2c963f66afa6",
                         cwd=tmp_path)
    assert "c0ffee000162" in inc.identifiers
    assert "4bf92f3577b34da6a3ce929d0e0e4736" in inc.identifiers
    assert "3fa85f64-5717-4562-b3fc-2c963f66afa6" in inc.identifiers
    assert inc.services == ["payments"]


def test_pasted_trace_stays_in_text_but_not_in_description(tmp_path: Path) -> None:
    text = ('it crashed again\nTraceback (most recent call last):\n  File "/srv/x.py", line 3, in f\n'
            "    g()\nKeyError: 'DATABASE_URL'\n")
    inc = parse_incident(text, cwd=tmp_path)
    assert inc.text == text
    assert inc.description == "it crashed again"
    assert inc.log_paths == []  # /srv/x.py is a trace path, not a local file


def test_repo_is_the_git_root_above_cwd(repo_builder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = repo_builder("svc")
    repo.commit({"src/a.py": "x = 1\n"}, "init", "2026-01-01T00:00:00+00:00")
    inc = parse_incident("it broke", cwd=repo.root / "src")
    assert inc.repo == repo.root.resolve()
    assert parse_incident("it broke", cwd=tmp_path).repo is None


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "nothing to analyze"), ("see logs/app.log", "no such file"), ("since 2026-13-45T99:00", "not a date")],
)
def test_unusable_input_raises_input_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_incident(text, cwd=tmp_path)


def test_flags_take_one_digit_hours_and_iso_with_or_without_zone() -> None:
    from fivewhys.intake import parse_when

    assert parse_when("9:05", "--since") == time(9, 5)
    assert parse_when("2026-11-27 11:45", "--until") == datetime(2026, 11, 27, 11, 45, tzinfo=timezone.utc)
    with pytest.raises(InputError, match="--since"):
        parse_when("soonish", "--since")


def test_folders_outside_the_working_folder_and_unreal_paths_are_not_read(tmp_path: Path) -> None:
    work = tmp_path / "work"
    (work / "logs").mkdir(parents=True)
    (work / "logs" / "app.log").write_text("2026-11-27T10:00:00Z ERROR boom\n")
    (tmp_path / "elsewhere.log").write_text("not yours\n")
    inc = parse_incident("see logs/ and ../ and " + "a" * 300 + ".py", cwd=work)
    assert inc.log_paths == [work / "logs" / "app.log"]
