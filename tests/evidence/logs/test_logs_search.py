"""search(): filters, context, caps; the byte-level fast path agrees with the streaming path."""

from __future__ import annotations

import gzip
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from fivewhys.errors import InputError
from fivewhys.evidence.logs import LogQuery, SearchResult, search
from fivewhys.evidence.logs.fastscan import required_literal

UTC = timezone.utc
T0 = datetime(2024, 5, 1, 11, 0, tzinfo=UTC)


@pytest.fixture
def mixed_log(tmp_path: Path) -> Path:
    """Text log with levels, services in the message, multi-line traces, blank lines, bad bytes."""
    rng = random.Random(3)
    out = []
    for i in range(400):
        stamp = (T0 + timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        level = rng.choice(["INFO", "INFO", "INFO", "WARN", "ERROR", "DEBUG"])
        out.append(f"{stamp} {level} svc={rng.choice(['api', 'db'])} req=r{i} took {rng.randint(1, 900)}ms")
        if i % 37 == 0:
            out += ["Traceback (most recent call last):", '  File "/srv/app/x.py", line 3, in f',
                    f"KeyError: 'Order-{i}'", ""]
    path = tmp_path / "app.log"
    out += ["2024-05-01T11:59:00Z WARN Échec de la ça réplique", "2024-05-01T11:59:01Z INFO échec de la là",
            "2024-05-01T11:59:02Z INFO 300 \u212aELVIN reached"]
    path.write_bytes(("\n".join(out) + "\n").encode() + b"2024-05-01T12:00:00Z ERROR bad \xff byte req=r999\n")
    return path


def all_paths(path: Path, query: LogQuery) -> tuple[SearchResult, SearchResult, SearchResult]:
    """The same search with rg, with the Python byte scan, and on a gzip copy (streaming path)."""
    gz = path.with_suffix(".log.gz")
    gz.write_bytes(gzip.compress(path.read_bytes()))
    return search([path], query), search([path], query, use_ripgrep=False), search([gz], query)


def summary(result: SearchResult) -> list[tuple[int, int, list[int], list[int]]]:
    return [(m.record.line, m.record.end_line, [b.line for b in m.before], [a.line for a in m.after])
            for m in result.matches]


QUERIES = [
    LogQuery(pattern="req=r12"),
    LogQuery(pattern="KEYERROR", ignore_case=True, context=2),
    LogQuery(pattern=r"KeyError: 'Order-\d+'", regex=True),
    LogQuery(pattern=r"^2024-05-01T11:0[12]:\d\dZ ERROR", regex=True, max_matches=5),
    LogQuery(pattern="svc=db", min_level="error", since=T0 + timedelta(minutes=2), until=T0 + timedelta(minutes=4)),
    LogQuery(pattern="Traceback", since=T0 + timedelta(minutes=3), context=1),
    LogQuery(pattern="byte"),
    LogQuery(pattern="nothing-like-this"),
    LogQuery(pattern="ÉCHEC DE LA ÇA", ignore_case=True, context=1),
    LogQuery(pattern=r"échec de la (ça|là)", regex=True, ignore_case=True),
    LogQuery(pattern="kelvin", ignore_case=True),
    LogQuery(pattern=r"(?<=req=)r1\d\b", regex=True),
]


@pytest.mark.parametrize("query", QUERIES, ids=[q.pattern or "" for q in QUERIES])
def test_ripgrep_byte_scan_and_streaming_paths_agree(mixed_log: Path, query: LogQuery) -> None:
    rg, fast, slow = all_paths(mixed_log, query)
    assert summary(rg) == summary(fast) == summary(slow)
    assert rg.total_matches == fast.total_matches == slow.total_matches
    assert [m.record.raw for m in rg.matches] == [m.record.raw for m in slow.matches]
    assert [m.record.raw for m in fast.matches] == [m.record.raw for m in slow.matches]


def test_non_ascii_ignore_case_finds_every_case(mixed_log: Path) -> None:
    result = search([mixed_log], LogQuery(pattern="ÉCHEC DE LA", ignore_case=True))
    assert [m.record.message for m in result.matches] == ["Échec de la ça réplique", "échec de la là"]


def test_a_regex_ripgrep_cannot_run_falls_back_to_python(mixed_log: Path) -> None:
    result = search([mixed_log], LogQuery(pattern=r"(?<=req=)r12\b", regex=True))
    expected = [n for n, line in enumerate(mixed_log.read_text(errors="replace").splitlines(), 1) if "req=r12 " in line]
    assert [m.record.line for m in result.matches] == expected
    assert any("rg failed" in w for w in result.warnings)


def test_literal_match_inside_a_trace_returns_the_whole_record(mixed_log: Path) -> None:
    result = search([mixed_log], LogQuery(pattern="KeyError: 'Order-37'"))
    [match] = result.matches
    assert match.record.raw.splitlines()[0].startswith("2024-05-01T11:00:37Z")
    assert match.record.source == f"{mixed_log}:{match.record.line}-{match.record.end_line}"
    assert match.record.end_line - match.record.line == 3


def test_max_matches_caps_list_but_total_counts_all(mixed_log: Path) -> None:
    result = search([mixed_log], LogQuery(pattern="svc=api", max_matches=3))
    assert len(result.matches) == 3
    assert result.total_matches == sum(1 for line in mixed_log.read_text(errors="replace").splitlines() if "svc=api" in line)


def test_level_window_and_fields_without_pattern(tmp_path: Path) -> None:
    path = tmp_path / "app.jsonl"
    path.write_text(
        '{"ts":"2024-05-01T11:00:00Z","level":"error","msg":"a","service":"api","correlation_id":"c1"}\n'
        '{"ts":"2024-05-01T11:05:00Z","level":"warn","msg":"b","service":"api","correlation_id":"c1"}\n'
        '{"ts":"2024-05-01T11:06:00Z","level":"error","msg":"c","service":"db","correlation_id":"c1"}\n'
        '{"ts":"2024-05-01T11:07:00Z","level":"info","msg":"d","service":"api","correlation_id":"c2"}\n'
    )
    query = LogQuery(since=T0 + timedelta(minutes=1), min_level="WARN", fields={"service": "api"})
    assert [m.record.message for m in search([path], query).matches] == ["b"]
    by_id = search([path], LogQuery(fields={"correlation_id": "c1"}, context=1))
    assert [m.record.message for m in by_id.matches] == ["a", "b", "c"]
    assert [a.message for a in by_id.matches[2].after] == ["d"]


def test_results_across_files_keep_their_paths(tmp_path: Path) -> None:
    a, b = tmp_path / "a.log", tmp_path / "b.log"
    a.write_text("2024-05-01T11:00:00Z ERROR boom\n")
    b.write_text("2024-05-01T11:00:01Z INFO fine\n2024-05-01T11:00:02Z ERROR boom again\n")
    result = search([a, b], LogQuery(pattern="boom"))
    assert [m.record.source for m in result.matches] == [f"{a}:1", f"{b}:2"]


def test_bad_regex_and_level_are_input_errors(mixed_log: Path) -> None:
    with pytest.raises(InputError, match="invalid regex"):
        search([mixed_log], LogQuery(pattern="(", regex=True))
    with pytest.raises(InputError, match="unknown log level"):
        search([mixed_log], LogQuery(min_level="LOUD"))


@pytest.mark.parametrize(("pattern", "literal"), [
    (r"KeyError: '\w+'", "KeyError: '"), (r"timeout|refused", None), (r"conn(ection)? reset", " reset"),
    (r"abc?d", None), (r"user \d+ logged", " logged"), (r"a\.b\.cd", "a.b.cd"),
])
def test_required_literal_is_conservative(pattern: str, literal: str | None) -> None:
    assert required_literal(pattern) == literal
