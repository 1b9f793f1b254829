"""latency_shift finds the minutes a request got slow, from durations in the message or a field."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fivewhys import Settings, analyze_text
from fivewhys.evidence.logs import latency_shift

START = datetime(2026, 7, 12, 3, 0, tzinfo=UTC)


def _access_log(path: Path, slow: range, minutes: int = 30) -> Path:
    lines = []
    for minute in range(minutes):
        for k in range(6):
            ts = START + timedelta(minutes=minute, seconds=10 * k)
            ms = 120 + k * 5
            if minute in slow and k % 2 == 0:
                ms *= 15
            lines.append(f"{ts:%Y-%m-%dT%H:%M:%S}Z INFO api GET /v1/items 200 {ms}ms req=r{minute * 6 + k}")
            lines.append(f"{ts:%Y-%m-%dT%H:%M:%S}Z INFO api GET /health 200 {2 + k}ms")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_the_slow_window_its_size_and_a_citable_record_are_found(tmp_path: Path) -> None:
    shift = latency_shift([_access_log(tmp_path / "access.log", range(8, 18))])
    assert shift is not None
    assert (shift.start, shift.end, shift.slow_minutes) == (START + timedelta(minutes=8), START + timedelta(minutes=17), 10)
    assert 120 <= shift.usual_ms <= 150 and shift.window_ms >= 1800
    assert shift.label == "api GET /v1/items 200"
    # the slowest record of 03:08: k=4 (140 ms x 15), after 8 minutes of 12 lines and 4 pairs of lines
    assert shift.first_slow.line == 8 * 12 + 4 * 2 + 1 and "2100ms" in shift.first_slow.raw


def test_durations_in_json_fields_count_and_a_steady_log_has_no_shift(tmp_path: Path) -> None:
    rows = [{"timestamp": (START + timedelta(minutes=m, seconds=5 * k)).isoformat(), "level": "INFO",
             "message": "charge done", "duration_ms": str(90 * (20 if 10 <= m < 14 else 1))}
            for m in range(30) for k in range(4)]
    path = tmp_path / "app.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    shift = latency_shift([path])
    assert shift is not None and shift.start == START + timedelta(minutes=10) and shift.slow_minutes == 4
    steady = _access_log(tmp_path / "steady.log", range(0))
    assert latency_shift([steady]) is None
    assert latency_shift([_access_log(tmp_path / "short.log", range(1, 2), minutes=2)]) is None  # too few records


def test_a_slowness_report_cites_the_shift_and_stays_inconclusive(tmp_path: Path) -> None:
    _access_log(tmp_path / "access.log", range(8, 18))
    report = analyze_text("items API slow around 03:10, see access.log", Settings(engine="offline"), cwd=tmp_path)
    cited = [e for e in report.evidence if "latency shift" in e.note]
    assert report.inconclusive and len(cited) == 1 and cited[0].source == "access.log:105"
    assert cited[0].id in report.root_cause.evidence and "03:08-03:17" in report.summary.impact
