"""The lean path (timestamp and level read from bytes, parsing deferred) equals the full parse,
and per-template rates find a template's own spike at a known onset."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from fivewhys.evidence.logs import open_log, stats
from fivewhys.evidence.logs.light import iso_text_line, json_line
from fivewhys.evidence.logs.stats import _stats

START = datetime(2024, 5, 1, 11, 0, tzinfo=timezone.utc)
ONSET = START + timedelta(minutes=40)


def _json_lines(rng: random.Random) -> list[str]:
    lines = []
    for i in range(3000):
        moment = START + timedelta(seconds=i)
        entry: dict[str, object] = {
            "timestamp": moment.isoformat(timespec=rng.choice(("seconds", "milliseconds", "microseconds"))),
            "level": rng.choice(("INFO", "info", "DEBUG", "warn", "ERROR", "Info")),
            "service": rng.choice(("cart", "pay")), "version": "2.0" if i > 1500 else "1.9",
            "message": f"request {i} served in {rng.randint(1, 99)}ms",
        }
        roll = rng.random()
        if roll < 0.05:
            entry["request"] = {"id": f"r{i}", "path": "/x"}  # nested: the full parser decides
        elif roll < 0.08:
            entry["message"] = "deployed pay version=2.0"
        elif roll < 0.10:
            entry["message"] = 'quote \\" and tab\t'
        elif roll < 0.12:
            entry["ts"] = moment.timestamp()
            del entry["timestamp"]
        elif roll < 0.13:
            entry["severity"] = "INFO"
        line = json.dumps(entry)
        if roll > 0.995:
            line = line[:-5]  # broken JSON: kept as text, counted
        lines.append(line)
    return lines


def _text_lines(rng: random.Random) -> list[str]:
    lines = []
    for i in range(3000):
        moment = START + timedelta(seconds=i, microseconds=rng.randint(0, 999999))
        stamp = rng.choice((moment.strftime("%Y-%m-%d %H:%M:%S,%f")[:-3], moment.strftime("%Y-%m-%dT%H:%M:%S.%f"),
                            moment.strftime("%Y-%m-%dT%H:%M:%SZ"), moment.strftime("%Y-%m-%d %H:%M:%S+02:00"),
                            moment.strftime("%Y-%m-%d %H:%M:60"), moment.strftime("[%Y-%m-%d %H:%M:%S]")))
        level = rng.choice(("INFO", "DEBUG", "[info]", "WARN", "ERROR", "- app - INFO -", "Info:", "level=debug"))
        message = rng.choice((f"served {i} in {rng.randint(1, 9)}ms", "Booting worker with pid: 7",
                              "restarting cache", f"user {i} ok café"))
        lines.append(f"{stamp} {level} {message}")
        if rng.random() < 0.05:
            lines += ["Traceback (most recent call last):", "", "  File \"x.py\", line 1", "ValueError: x"]
        if rng.random() < 0.01:
            lines.append("")
    return ["orphan line before any record", *lines]


@pytest.mark.parametrize("kind", ["json", "text"])
def test_lean_path_equals_the_full_parse(tmp_path: Path, kind: str) -> None:
    rng = random.Random(11)
    path = tmp_path / ("app.jsonl" if kind == "json" else "app.log")
    path.write_text("\n".join(_json_lines(rng) if kind == "json" else _text_lines(rng)) + "\n")
    lean = [r.to_record() for r in open_log(path).light_records(lean=True)]
    assert lean == list(open_log(path).records())
    for since, until in ((None, None), (START + timedelta(minutes=10), START + timedelta(minutes=30))):
        fast = _stats([path], since, until, None, lean=True)
        assert fast == _stats([path], since, until, None, lean=False)
        assert fast.records > 100 and fast.deploy_markers


def _template_log(tmp_path: Path) -> Path:
    """An hour of text: background warnings of two templates; from ONSET one of them rises from
    ~1/minute to ~20/minute while the total error rate stays unremarkable (errors are steady)."""
    rng = random.Random(3)
    lines = []
    for second in range(0, 3600, 3):
        moment = START + timedelta(seconds=second)
        stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        lines.append(f"{stamp} INFO GET /item/{rng.randint(1, 99)} 200")
        lines.append(f"{stamp} ERROR db query {rng.randint(1, 9)} failed on shard {rng.randint(1, 4)}")
        if second % 60 == 0:
            lines.append(f"{stamp} WARN retrying upstream call {rng.randint(1, 99)} after {rng.randint(1, 5)}s")
        if moment >= ONSET:
            lines.append(f"{stamp} WARN pool exhausted for tenant {rng.randint(1, 500)} waiting {rng.randint(1, 9)}ms")
        elif second % 300 == 0:
            lines.append(f"{stamp} WARN pool exhausted for tenant {rng.randint(1, 500)} waiting {rng.randint(1, 9)}ms")
    path = tmp_path / "app.log"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_template_spike_found_at_the_known_onset(tmp_path: Path) -> None:
    result = stats([_template_log(tmp_path)])
    assert not result.spikes  # the total error rate is steady: only the template's own rate shows it
    spiking = [s for s in result.template_spikes if s.template.startswith("pool exhausted")]
    assert spiking and spiking[0].minute == ONSET
    assert spiking[0].baseline_mean < 1 and spiking[0].count == 20
    assert not [s for s in result.template_spikes if s.template.startswith(("retrying", "db query"))]
    rates = {r.template: r for r in result.template_rates}
    pool = next(r for t, r in rates.items() if t.startswith("pool exhausted"))
    per_minute = {m.minute: m.count for m in pool.per_minute}
    assert per_minute[ONSET + timedelta(minutes=5)] == 20 and per_minute[START + timedelta(minutes=5)] == 1


def _block_text_lines() -> list[str]:
    """Sorted text with the shapes the block path must leave to the exact reader: a level word on
    a continuation line, long multi-line records, deploy words, non-ASCII, mixed stamp forms."""
    rng = random.Random(5)
    lines = []
    for i in range(6000):
        moment = START + timedelta(seconds=i // 3, microseconds=rng.randint(0, 999) * 1000)
        stamp = moment.strftime("%Y-%m-%d %H:%M:%S,%f")[:-3] if i % 500 else moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        level = rng.choice(("INFO", "INFO", "DEBUG", "info", "WARN", "ERROR", "TRACE"))
        lines.append(f"{stamp} {level} served {i} in {rng.randint(1, 9)}ms")
        roll = rng.random()
        if roll < 0.02:
            lines += ["ERROR: this continuation names a level", "  at x.y(z.java:1)"]
        elif roll < 0.03:
            lines[-1] = f"{stamp} INFO deployed version 2.{i}"
        elif roll < 0.04:
            lines[-1] = f"{stamp} INFO naïve café {i}"
        elif roll < 0.05:  # runs of continuation lines, read in one step unless one is odd
            odd = rng.choice(("", "   ", "  café line", "  carriage\r", "\x1c"))
            lines += ["Traceback (most recent call last):", *[f'  File "m{k}.py", line {k}' for k in range(8)],
                      odd, "KeyError: 'sku-1'"]
        elif i == 3000:  # a record longer than the reader keeps: cut where the line-by-line read cuts
            lines += [f"  frame {k}" for k in range(2100)]
    return lines


def _block_json_lines() -> list[str]:
    rng = random.Random(6)
    lines = []
    for i in range(6000):
        moment = START + timedelta(seconds=i // 3, milliseconds=rng.randint(0, 999))
        entry: dict[str, object] = {
            "timestamp": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": rng.choice(("INFO", "DEBUG", "info", "WARN", "ERROR")),
            "service": rng.choice(("cart", "pay")), "version": "2.0" if i > 4000 else "1.9",
            "message": f"request {i} served", "n": rng.randint(1, 9),
        }
        if rng.random() < 0.01:
            entry["error"] = {"type": "KeyError", "stack_trace": "Traceback\n  File x\nKeyError: 1"}
        if rng.random() < 0.01:
            entry["level"] = "warning"
        roll = rng.random()
        if roll < 0.01:
            entry["message"] = "level"  # a key name as a value
        elif roll < 0.02:
            entry[rng.choice(("severity", "service.version", "time", "service.name"))] = "ERROR"  # a later key
        line = json.dumps(entry)
        if roll > 0.99:  # a key repeated after the plain-looking start: json.loads keeps the last one
            line = line[:-1] + rng.choice((', "level": "ERROR"}', ', "version": "3.0"}', ', "timestamp": "2024"}'))
        lines.append(line)
        if rng.random() < 0.005:
            lines.append('{"timestamp": "2024-05-01T11:00:00Z", "level": "INFO", "level": "ERROR"}')
    return lines


@pytest.mark.parametrize("kind", ["json", "text"])
def test_block_path_equals_the_full_parse(tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from fivewhys.evidence.logs import blocks

    monkeypatch.setattr(blocks, "BLOCK", 16 << 10)  # many blocks: records and minutes cross their edges
    path = tmp_path / ("app.jsonl" if kind == "json" else "app.log")
    path.write_text("\n".join(_block_json_lines() if kind == "json" else _block_text_lines()) + "\n")
    edge = START + timedelta(minutes=10, seconds=20, milliseconds=500)  # inside a minute
    for since, until in ((None, None), (edge, START + timedelta(minutes=25, seconds=7)), (edge, None)):
        fast = stats([path], since, until)
        assert fast.model_dump() == _stats([path], since, until, None, lean=False).model_dump()
        assert fast.records > 100


@pytest.mark.parametrize("kind", ["json", "text"])
def test_block_path_on_the_lean_samples(tmp_path: Path, kind: str) -> None:
    rng = random.Random(11)
    path = tmp_path / ("app.jsonl" if kind == "json" else "app.log")
    path.write_text("\n".join(_json_lines(rng) if kind == "json" else _text_lines(rng)) + "\n")
    for since, until in ((None, None), (START + timedelta(minutes=10, seconds=30), START + timedelta(minutes=30))):
        assert stats([path], since, until).model_dump() == _stats([path], since, until, None, lean=False).model_dump()


@pytest.mark.parametrize("line", [
    "2024-05-01 11:00:00,123 ERROR - : payment failed for order 7",
    "2024-05-01T11:00:00Z [error] | upstream 503",
    "2024-05-01 11:00:00 level=warn: slow query took 900ms",
    "2024-05-01 11:00:00.5+02:00 WARNING",
    "2024-05-01 11:00:00 ERROR\tTimeoutError , retrying",
])
def test_lean_warning_message_is_the_parsers(tmp_path: Path, line: str) -> None:
    path = tmp_path / "app.log"
    path.write_text(line + "\n")
    known = iso_text_line(line.encode() + b"\n")
    assert known is not None and known[4] is not None
    assert known[4] == next(iter(open_log(path))).message


@pytest.mark.parametrize("line", [
    '{"timestamp": "2024-05-01T11:00:00Z", "level": "ERROR", "msg": "db down", "message2": "x"}',
    '{"level": "warn", "service": "pay", "message": "retry 3"}',
    '{"ts": "2024-05-01T11:00:00Z", "severity": "ERROR", "event": "crash"}',
    '{"timestamp": "2024-05-01T11:00:00Z", "level": "ERROR", "code": 5}',
])
def test_lean_json_warning_message_is_the_parsers(tmp_path: Path, line: str) -> None:
    path = tmp_path / "app.jsonl"
    path.write_text(line + "\n")
    known = json_line(line.encode())
    assert known is not None and known[4] == next(iter(open_log(path))).message


def test_json_warning_message_key_also_a_value_goes_to_the_parser() -> None:
    assert json_line(b'{"level": "ERROR", "msg": "message", "message": "x"}') is None
    assert json_line(b'{"level": "ERROR", "message": "a", "message": "b"}') is None
