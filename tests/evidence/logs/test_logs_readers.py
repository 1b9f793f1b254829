"""Readers: every layout on samples written from its format's documentation, and damaged input."""

from __future__ import annotations

import gzip
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from fivewhys.errors import InputError
from fivewhys.evidence.logs import LogRecord, open_log, read_records

UTC = timezone.utc


def write(tmp_path: Path, name: str, text: str | bytes, mtime: datetime | None = None) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    if mtime is not None:
        os.utime(path, (mtime.timestamp(), mtime.timestamp()))
    return path


def records(tmp_path: Path, name: str, text: str | bytes, mtime: datetime | None = None) -> list[LogRecord]:
    return list(read_records(write(tmp_path, name, text, mtime)))


# (file name, sample line, timestamp, level, message start, some fields)
SAMPLES = [
    ("rfc3339.log", "2024-05-01T11:27:03.120+02:00 ERROR payment failed",
     datetime(2024, 5, 1, 11, 27, 3, 120000, timezone(timedelta(hours=2))), "ERROR", "payment failed", {}),
    ("python.log", "2024-05-01 11:27:03,120 - app.db - WARNING - slow query",
     datetime(2024, 5, 1, 11, 27, 3, 120000), "WARN", "slow query", {}),
    ("python_default.log", "2024-05-01 11:27:03,120 CRITICAL root: disk full",
     datetime(2024, 5, 1, 11, 27, 3, 120000), "FATAL", "root: disk full", {}),
    ("logback.log", "2024-05-01 11:27:03.120 [http-nio-8080-exec-1] ERROR c.e.PaymentService - boom",
     datetime(2024, 5, 1, 11, 27, 3, 120000), "ERROR", "c.e.PaymentService - boom", {}),
    ("log4j_date.log", "01 May 2024 11:27:03,120 WARN  [main] Config - fallback",
     datetime(2024, 5, 1, 11, 27, 3, 120000), "WARN", "[main] Config - fallback", {}),
    ("gunicorn.log", "[2024-05-01 11:27:03 +0000] [4242] [INFO] Booting worker with pid: 4242",
     datetime(2024, 5, 1, 11, 27, 3, tzinfo=UTC), "INFO", "Booting worker with pid: 4242", {}),
    ("golog.log", "2024/05/01 11:27:03 http: TLS handshake error from 10.0.0.1:5555: EOF",
     datetime(2024, 5, 1, 11, 27, 3), None, "http: TLS handshake error", {}),
    ("nginx_error.log", "2024/05/01 11:27:03 [error] 31#31: *7 upstream timed out (110: Connection timed out)",
     datetime(2024, 5, 1, 11, 27, 3), "ERROR", "31#31: *7 upstream timed out", {}),
    ("access.log", '10.1.2.3 - frank [01/May/2024:11:27:03 -0700] "GET /checkout HTTP/1.1" 503 512 "-" "curl/8"',
     datetime(2024, 5, 1, 11, 27, 3, tzinfo=timezone(timedelta(hours=-7))), "ERROR", "GET /checkout",
     {"request.status": "503", "request.path": "/checkout", "user.id": "frank"}),
    ("apache_error.log", "[Wed May 01 11:27:03.123456 2024] [proxy:error] [pid 35708:tid 4328] (111)Connection refused",
     datetime(2024, 5, 1, 11, 27, 3, 123456), "ERROR", "[pid 35708:tid 4328]", {}),
    ("apache22_error.log", "[Wed May 01 11:27:03 2024] [warn] child process 123 still did not exit",
     datetime(2024, 5, 1, 11, 27, 3), "WARN", "child process 123", {}),
    ("syslog.log", "May  1 11:27:03 web01 sshd[1234]: Failed password for root from 10.0.0.9",
     datetime(2024, 5, 1, 11, 27, 3), None, "Failed password", {"host": "web01", "program": "sshd", "pid": "1234"}),
    ("syslog_pri.log", "<11>May  1 11:27:03 web01 app: disk error",
     datetime(2024, 5, 1, 11, 27, 3), "ERROR", "disk error", {"program": "app"}),
    ("rfc5424.log", "<165>1 2024-05-01T11:27:03.003Z mymachine evntslog 99 ID47 [exampleSDID@32473 iut=\"3\"] An application event",
     datetime(2024, 5, 1, 11, 27, 3, 3000, tzinfo=UTC), "INFO", "An application event", {"program": "evntslog"}),
    ("klog.log", "E0501 11:27:03.120000    4242 controller.go:114] sync failed: conflict",
     datetime(2024, 5, 1, 11, 27, 3, 120000), "ERROR", "sync failed", {"source": "controller.go:114"}),
    ("epoch.log", "1714562823 ERROR cache miss storm", datetime(2024, 5, 1, 11, 27, 3, tzinfo=UTC), "ERROR", "cache miss", {}),
    ("epoch_ms.log", "1714562823120 WARN slow", datetime(2024, 5, 1, 11, 27, 3, 120000, tzinfo=UTC), "WARN", "slow", {}),
    ("windows.log", "5/1/2024 11:27:03 PM Error Service Control Manager stopped",
     datetime(2024, 5, 1, 23, 27, 3), "ERROR", "Service Control Manager", {}),
    ("cbs.log", "2024-05-01 11:27:03, Info                  CBS    Loaded Servicing Stack v6.1",
     datetime(2024, 5, 1, 11, 27, 3), "INFO", "CBS    Loaded", {}),
    ("logfmt.log", 'ts=2024-05-01T11:27:03Z level=error msg="payment failed" service=checkout trace_id=abc',
     datetime(2024, 5, 1, 11, 27, 3, tzinfo=UTC), "ERROR", "payment failed", {"service": "checkout", "trace_id": "abc"}),
]


@pytest.mark.parametrize(("name", "line", "stamp", "level", "message", "fields"), SAMPLES, ids=[s[0] for s in SAMPLES])
def test_each_layout_reads_timestamp_level_message_fields(
    tmp_path: Path, name: str, line: str, stamp: datetime, level: str | None, message: str, fields: dict[str, str]
) -> None:
    mtime = datetime(2024, 6, 1, 12, 0)
    second = line  # two identical-layout lines: the second must not be a continuation
    [first, other] = records(tmp_path, name, f"{line}\n{second}\n", mtime)
    assert (first.line, first.end_line, other.line) == (1, 1, 2)
    assert first.timestamp == stamp
    assert (first.timestamp.tzinfo is None) == (stamp.tzinfo is None)
    assert first.level == level
    assert first.message.startswith(message) or message in first.message
    assert fields.items() <= first.fields.items()
    assert first.raw == line


def test_json_lines_variants_and_nested_fields(tmp_path: Path) -> None:
    text = "\n".join([
        '{"timestamp":"2024-05-01T11:27:03Z","level":"error","message":"payment failed","service":"checkout",'
        '"correlation_id":"c-1","trace_id":"t-1","span_id":"s-1","environment":"prod","version":"1.4.2",'
        '"error":{"type":"TimeoutError","message":"30s","stack_trace":"Traceback ...","fingerprint":"f1"},'
        '"request":{"method":"POST","path":"/pay"},"user":{"id":"u-9"}}',
        '{"@timestamp":"2024-05-01T11:27:04.5+02:00","severity":"WARNING","msg":"retry","error.type":"X"}',
        '{"time":1714562825123,"levelname":"INFO","message":"ok"}',
        '{"ts":1714562826.5,"level":50,"msg":"pino error"}',
    ])
    recs = records(tmp_path, "app.jsonl", text + "\n")
    assert [r.level for r in recs] == ["ERROR", "WARN", "INFO", "ERROR"]
    assert recs[0].fields["error.stack_trace"] == "Traceback ..."
    assert recs[0].fields["request.path"] == "/pay" and recs[0].fields["user.id"] == "u-9"
    assert {"service", "correlation_id", "trace_id", "span_id", "environment", "version"} <= recs[0].fields.keys()
    assert recs[1].fields["error.type"] == "X"
    assert recs[1].timestamp == datetime(2024, 5, 1, 9, 27, 4, 500000, tzinfo=UTC)
    assert recs[2].timestamp == datetime(2024, 5, 1, 11, 27, 5, 123000, tzinfo=UTC)
    assert recs[3].timestamp == datetime(2024, 5, 1, 11, 27, 6, 500000, tzinfo=UTC)


def test_python_traceback_is_one_record_with_its_lines(tmp_path: Path) -> None:
    text = (
        "2024-05-01 11:27:01,000 - app - INFO - start\n"
        "2024-05-01 11:27:02,000 - app - ERROR - failed to charge\n"
        "Traceback (most recent call last):\n"
        '  File "/srv/app/pay.py", line 12, in charge\n'
        "    raise TimeoutError()\n"
        "TimeoutError\n"
        "\n"
        "During handling of the above exception, another exception occurred:\n"
        "\n"
        "RuntimeError: charge failed\n"
        "\n"
        "2024-05-01 11:27:03,000 - app - INFO - next\n"
    )
    recs = records(tmp_path, "app.log", text)
    assert [(r.line, r.end_line) for r in recs] == [(1, 1), (2, 10), (12, 12)]
    assert recs[1].raw.endswith("RuntimeError: charge failed")
    assert "TimeoutError" in recs[1].message and recs[1].source.endswith("app.log:2-10")


def test_java_stack_trace_with_caused_by_is_continuation(tmp_path: Path) -> None:
    text = (
        "2024-05-01 11:27:02.000 [main] ERROR c.e.Api - request failed\n"
        "java.lang.IllegalStateException: boom\n"
        "\tat com.example.Api.handle(Api.java:42)\n"
        "Caused by: java.io.IOException: reset\n"
        "\t... 12 more\n"
        "2024-05-01 11:27:03.000 [main] INFO c.e.Api - recovered\n"
    )
    recs = records(tmp_path, "java.log", text)
    assert [(r.line, r.end_line, r.level) for r in recs] == [(1, 5, "ERROR"), (6, 6, "INFO")]


def test_malformed_lines_are_kept_as_text_and_counted(tmp_path: Path) -> None:
    text = 'garbage before anything\n{"level":"info","msg":"ok","ts":"2024-05-01T00:00:00Z"}\n{"level": "err\n'
    reader = open_log(write(tmp_path, "bad.jsonl", text))
    recs = list(reader)
    assert [r.message for r in recs] == ["garbage before anything", "ok", '{"level": "err']
    assert reader.unparsed_lines == 2
    assert recs[2].timestamp is None and recs[2].level is None


def test_plain_text_without_layout_is_one_record_per_line(tmp_path: Path) -> None:
    reader = open_log(write(tmp_path, "plain.txt", "hello\nworld\n"))
    assert [(r.line, r.message) for r in reader] == [(1, "hello"), (2, "world")]
    assert reader.unparsed_lines == 2


def test_gzip_is_read_and_truncated_gzip_yields_what_it_could(tmp_path: Path) -> None:
    lines = "".join(f"2024-05-01T11:27:{i % 60:02d}Z INFO line {i} {'x' * 40}\n" for i in range(5000))
    whole = gzip.compress(lines.encode())
    assert len(list(read_records(write(tmp_path, "ok.log.gz", whole)))) == 5000
    reader = open_log(write(tmp_path, "cut.log.gz", whole[: len(whole) // 2]))
    recs = list(reader)
    assert 0 < len(recs) < 5000
    assert recs[0].message.startswith("line 0")
    assert reader.warnings and "truncated" in reader.warnings[0]


def test_empty_file_yields_nothing(tmp_path: Path) -> None:
    assert records(tmp_path, "empty.log", b"") == []


def test_binary_file_is_an_input_error(tmp_path: Path) -> None:
    path = write(tmp_path, "core.bin", b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)))
    with pytest.raises(InputError, match="binary file, not a log"):
        read_records(path)


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_records(tmp_path / "nope.log")


def test_non_utf8_bytes_are_replaced_not_fatal(tmp_path: Path) -> None:
    recs = records(tmp_path, "latin1.log", b"2024-05-01T11:27:03Z ERROR caf\xe9 \xff\xfe closed\n")
    assert recs[0].message == "caf\ufffd \ufffd\ufffd closed" and recs[0].level == "ERROR"


def test_syslog_year_comes_from_file_mtime_with_rollover(tmp_path: Path) -> None:
    january = datetime(2025, 1, 3, 8, 0)
    [december, jan] = records(
        tmp_path, "messages", "Dec 31 23:59:59 h app: old\nJan  2 00:00:01 h app: new\n", january
    )
    assert december.timestamp == datetime(2024, 12, 31, 23, 59, 59)
    assert jan.timestamp == datetime(2025, 1, 2, 0, 0, 1)


def test_crlf_line_endings(tmp_path: Path) -> None:
    recs = records(tmp_path, "win.log", "2024-05-01T11:27:03Z WARN a\r\n2024-05-01T11:27:04Z INFO b\r\n")
    assert [r.message for r in recs] == ["a", "b"]
