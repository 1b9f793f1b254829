"""Stats, timeline and time-of-day resolution on generated logs with a known onset."""

from __future__ import annotations

import json
import random
from datetime import datetime, time, timedelta, timezone
from pathlib import Path

from fivewhys.evidence.logs import resolve_time_of_day, stats, timeline

UTC = timezone.utc
START = datetime(2024, 5, 1, 11, 0, tzinfo=UTC)
ONSET = START + timedelta(minutes=27)


def incident_log(tmp_path: Path) -> Path:
    """An hour of JSON lines: steady traffic, a few background errors, a deploy at 11:25, and from
    11:27 a new error template at ~40/minute."""
    rng = random.Random(7)
    lines = []
    for second in range(0, 3600, 2):
        moment = START + timedelta(seconds=second)
        entry = {"timestamp": moment.isoformat(), "level": "INFO", "service": "checkout", "version": "1.4.1",
                 "message": f"GET /cart/{rng.randint(1, 999)} 200 in {rng.randint(3, 90)}ms"}
        if moment >= START + timedelta(minutes=25):
            entry["version"] = "1.5.0"
        if second == 1500:
            lines.append({**entry, "message": "deployed checkout version=1.5.0"})
        lines.append(entry)
        if second % 600 == 0:
            lines.append({**entry, "level": "ERROR", "message": f"cache node {rng.randint(1, 9)} evicted"})
        if moment >= ONSET:
            for _ in range(rng.randint(1, 2)):
                lines.append({**entry, "level": "ERROR", "correlation_id": f"c-{second}",
                              "message": f"payment gateway timeout after {rng.randint(30, 31)}s for order {rng.randint(1, 10**6)}"})
    path = tmp_path / "checkout.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    return path


def test_stats_counts_first_warning_and_per_minute_errors(tmp_path: Path) -> None:
    result = stats([incident_log(tmp_path)])
    assert result.levels["INFO"] > 1800 and result.levels["ERROR"] > 40
    assert result.first_timestamp == START
    assert result.first_warning is not None and "evicted" in result.first_warning.message
    by_minute = {m.minute: m.count for m in result.errors_per_minute}
    assert by_minute[START.replace(minute=40)] >= 30
    assert START.replace(minute=5) not in by_minute


def test_spike_and_new_template_found_at_the_known_onset(tmp_path: Path) -> None:
    result = stats([incident_log(tmp_path)])
    assert result.spikes and result.spikes[0].minute == ONSET
    assert result.onset == ONSET
    assert [t.template for t in result.new_templates] == [
        "payment gateway timeout after <*> for order <*>"
    ]
    assert result.new_templates[0].first.timestamp == ONSET
    top = result.top_error_templates[0]
    assert top.template.startswith("payment gateway timeout") and top.count > 30


def test_window_limits_counts_but_not_the_baseline(tmp_path: Path) -> None:
    result = stats([incident_log(tmp_path)], since=ONSET, until=ONSET + timedelta(minutes=5))
    assert result.first_error is not None and result.first_error.timestamp == ONSET
    assert all(ONSET <= m.minute <= ONSET + timedelta(minutes=5) for m in result.errors_per_minute)
    assert [t.template for t in result.new_templates][:1] == ["payment gateway timeout after <*> for order <*>"]


def test_deploy_markers_from_text_and_version_change(tmp_path: Path) -> None:
    result = stats([incident_log(tmp_path)])
    messages = [m.message for m in result.deploy_markers]
    assert "deployed checkout version=1.5.0" in messages
    assert any(m.fields.get("version") == "1.5.0" for m in result.deploy_markers)
    assert all(m.timestamp == START + timedelta(minutes=25) for m in result.deploy_markers)


def test_deploy_marker_phrases(tmp_path: Path) -> None:
    text = "\n".join([
        "2024-05-01 11:00:00,000 INFO Starting checkout v1.2.3 on host a",
        "2024-05-01 11:00:01,000 INFO rolling out release 42",
        "2024-05-01 11:00:02,000 INFO Booting worker with pid: 17",
        "2024-05-01 11:00:03,000 INFO request served in 3ms",
    ])
    path = tmp_path / "app.log"
    path.write_text(text + "\n")
    assert [m.line for m in stats([path]).deploy_markers] == [1, 2, 3]


def test_timeline_merges_skewed_services_in_time_order(tmp_path: Path) -> None:
    # service a logs in UTC with a zone; service b logs naive local stamps, one file out of order
    a = tmp_path / "a.log"
    a.write_text(
        "2024-05-01T11:27:05Z ERROR a: upstream b failed req=r1\n"
        "2024-05-01T11:27:01Z WARN a: calling b req=r1\n"
        "2024-05-01T11:27:09Z ERROR a: giving up req=r2\n"
    )
    b = tmp_path / "b.jsonl"
    b.write_text(
        '{"ts":"2024-05-01T11:27:03","level":"error","msg":"db timeout","request":{"id":"r1"}}\n'
        '{"ts":"2024-05-01T11:27:02","level":"info","msg":"got request","request":{"id":"r1"}}\n'
        '{"ts":"2024-05-01T11:27:04","level":"error","msg":"other","request":{"id":"r9"}}\n'
    )
    merged = timeline([a, b], identifiers=["r1"])
    assert [(r.path.name, r.line) for r in merged] == [("a.log", 2), ("b.jsonl", 1), ("a.log", 1)]
    everything = timeline([a, b], min_level=None)
    assert [r.timestamp.second for r in everything if r.timestamp] == [1, 2, 3, 4, 5, 9]
    assert len(timeline([a, b], min_level=None, limit=2)) == 2


def test_timeline_keeps_untimed_records_after_their_predecessor(tmp_path: Path) -> None:
    path = tmp_path / "mixed.log"
    path.write_text("2024-05-01T11:27:05Z ERROR x\n")
    other = tmp_path / "plain.txt"
    other.write_text("no stamp\n")
    merged = timeline([path, other], min_level=None)
    assert [r.message for r in merged] == ["no stamp", "x"]


def test_resolve_time_of_day_uses_the_logs_dates(tmp_path: Path) -> None:
    path = tmp_path / "app.log"
    path.write_text(
        "2024-04-30T23:50:00+02:00 INFO late\n"
        "2024-05-01T09:00:00+02:00 INFO morning\n"
        "2024-05-01T12:00:00+02:00 INFO noon\n"
    )
    resolved = resolve_time_of_day(time(11, 27), [path])
    assert resolved == datetime(2024, 5, 1, 11, 27, tzinfo=timezone(timedelta(hours=2)))
    assert resolve_time_of_day(time(6, 0), [path]) == datetime(2024, 5, 1, 6, 0, tzinfo=timezone(timedelta(hours=2)))
    empty = tmp_path / "empty.log"
    empty.write_text("")
    assert resolve_time_of_day(time(6, 0), [empty]) is None
