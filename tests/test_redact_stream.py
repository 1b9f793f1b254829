"""Streaming redaction: blocks of whole lines through one Redactor give what one pass over the whole
text gives, PEM keys and YAML block values are never cut, memory stays bounded, bad input is one line."""

from __future__ import annotations

import io
import os
import random
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest

from fivewhys.errors import InputError
from fivewhys.redact import Redactor, redact_stream
from fivewhys.redact import _stream as stream_mod
from fivewhys.redact._stream import line_blocks, text_blocks
from helpers import run_cli

_B64 = string.ascii_letters + string.digits + "+/"


def _tok(rng: random.Random, n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _pem(rng: random.Random) -> str:
    kind = rng.choice(["RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY"])
    body = "".join(_tok(rng, 64, _B64) + "\n" for _ in range(rng.randint(3, 25)))
    return f"-----BEGIN {kind}-----\n{body}-----END {kind}-----\n"


def _secret_manifest(rng: random.Random) -> str:
    """A Kubernetes Secret: ``kind`` lines above its ``data:`` at column 0, at times a blank line between."""
    blank = "\n" if rng.random() < 0.3 else ""
    return (f"---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: db-{rng.randint(1, 99)}\n"
            f"  namespace: prod\ntype: Opaque\n{blank}data:\n  password: {_tok(rng, 24, _B64)}\n")


def incident_log(megabytes: float, seed: int = 3) -> str:
    """A log of service lines with secrets, personal data, PEM keys, YAML block values, Kubernetes
    Secrets, netrc entries, XML elements over three lines, blank lines, non-ASCII text and CRLF lines;
    values are generated here, so no credential-shaped literal is in the repo."""
    rng = random.Random(seed)
    makers = [
        lambda: f"2024-03-01T10:00:00Z INFO request path=/api/v1/{rng.randint(1, 999)} status=200\n",
        lambda: f"2024-03-01T10:00:00Z INFO signup email=user{rng.randint(1, 99)}@example-corp.com ok\n",
        lambda: f"  DB_PASSWORD={_tok(rng, 20)}\n",
        lambda: f"connect postgresql://app:{_tok(rng, 16)}@db-{rng.randint(1, 3)}.internal:5432/orders\n",
        lambda: f"client {rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)} refused\n",
        lambda: "s3 upload as AKIA" + _tok(rng, 16, string.ascii_uppercase + string.digits) + " bucket=logs\n",
        lambda: f"café ☕ commande {rng.randint(1, 9999)} réglée par {_tok(rng, 6)}@exemple.fr\r\n",
        lambda: f"auth:\n  token: |\n    {_tok(rng, 40)}\n  user: svc\n",
        lambda: f"env:\n  - name: API_TOKEN\n    value: {_tok(rng, 32)}\n",
        _pem_maker(rng),
        lambda: _secret_manifest(rng),
        # on a line of its own, "password x" is a directive any rule catches; here only netrc's does
        lambda: f"machine api{rng.randint(1, 9)}.example.com\nlogin bot password {_tok(rng, 20)}\n",
        lambda: f"<password>\n  {_tok(rng, 16)}\n</password>\n",
        lambda: "\n",
    ]
    weights = [40, 6, 4, 4, 4, 3, 3, 2, 2, 3, 2, 2, 2, 1]
    out: list[str] = []
    size = 0
    while size < megabytes * 1_000_000:
        line = rng.choices(makers, weights)[0]()
        out.append(line)
        size += len(line)
    return "".join(out)


def _pem_maker(rng: random.Random):  # type: ignore[no-untyped-def]
    return lambda: _pem(rng)


def _naive_blocks(data: bytes, size: int) -> list[bytes]:
    """Cut at the first line end after every ``size`` bytes, as a stream reader without the rules would."""
    f, blocks = io.BytesIO(data), []
    while block := f.read(size):
        blocks.append(block + (b"" if block.endswith(b"\n") else f.readline()))
    return blocks


@pytest.fixture(scope="module")
def log_text() -> str:
    return incident_log(2.5)


@pytest.fixture(scope="module")
def one_pass(log_text: str) -> tuple[str, dict[str, int]]:
    """The whole text redacted at once, and what was found."""
    whole = Redactor()
    return whole.redact(log_text), whole.findings


@pytest.mark.parametrize("chunk", [4096, 65_543, stream_mod.CHUNK_BYTES])
def test_streaming_equals_one_pass_over_the_whole_text(log_text: str, one_pass: tuple[str, dict[str, int]],
                                                        chunk: int) -> None:
    streamed, out = Redactor(), io.StringIO()
    redact_stream(io.BytesIO(log_text.encode()), out, streamed, chunk_bytes=chunk)
    assert out.getvalue() == one_pass[0]
    assert streamed.findings == one_pass[1]
    assert {"private-key", "password", "EMAIL", "IP", "aws-access-key", "url-credentials", "k8s-secret"} <= set(
        one_pass[1])
    # the multi-line shapes are all redacted, so a block edge inside one would show
    assert not re.search(r"(?m)^(?:login bot password |  password: |<password>\n  )(?!<SECRET:)", one_pass[0])


def test_blocks_are_extended_past_the_chunk_edges_that_fall_inside_a_key_or_a_yaml_value(
        log_text: str, one_pass: tuple[str, dict[str, int]]) -> None:
    data = log_text.encode()
    blocks = list(line_blocks(io.BytesIO(data), 4096))
    assert b"".join(blocks) == data and all(b.endswith(b"\n") for b in blocks)
    assert all(not stream_mod._pem_open(b, False) for b in blocks)
    # lines are under 200 bytes: a longer block was extended over a PEM key or an indented value
    assert sum(len(b) > 4096 + 200 for b in blocks) > 20
    # without the extension, redaction does change: the test has teeth
    naive = Redactor()
    assert "".join(naive.redact(b.decode()) for b in _naive_blocks(data, 4096)) != one_pass[0]


def test_a_pem_key_across_the_chunk_edge_is_redacted_whole() -> None:
    rng = random.Random(5)
    key = _pem(rng)
    text = "x" * 4000 + "\n" + key + "after the key\n"
    out = io.StringIO()
    redact_stream(io.BytesIO(text.encode()), out, chunk_bytes=4096)
    assert out.getvalue() == Redactor().redact(text)
    body = key.splitlines()[1:-1]
    assert not any(line in out.getvalue() for line in body)
    assert "<SECRET:private-key#1>" in out.getvalue() and out.getvalue().endswith("after the key\n")


def test_a_key_that_never_ends_stops_growing_the_block_and_its_start_is_still_redacted(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream_mod, "MAX_EXTEND_BYTES", 8192)
    rng = random.Random(6)
    body = "".join(_tok(rng, 64, _B64) + "\n" for _ in range(2000))  # 130 kB, no END line
    text = "start\n-----BEGIN RSA PRIVATE KEY-----\n" + body
    blocks = list(line_blocks(io.BytesIO(text.encode()), 4096))
    assert max(len(b) for b in blocks) <= 4096 + 8192 + 2 * 65  # the chunk, its last line, the cap, a line
    out = io.StringIO()
    redact_stream(io.BytesIO(text.encode()), out, chunk_bytes=4096)
    assert body.splitlines()[0] not in out.getvalue()
    assert out.getvalue().startswith("start\n-----BEGIN RSA PRIVATE KEY-----<SECRET:private-key#1>")


def test_a_line_longer_than_the_limit_is_cut_between_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream_mod, "MAX_LINE_BYTES", 1000)
    text = "é" * 5000 + "\nnext line\n"  # two bytes a character: a cut at an odd byte would split one
    blocks = list(text_blocks(io.BytesIO(text.encode()), chunk_bytes=700))
    assert "".join(blocks) == text
    assert max(len(b.encode()) for b in blocks) <= 700 + 1000


def test_a_long_indented_line_after_the_chunk_edge_is_never_cut_inside_a_character(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream_mod, "MAX_LINE_BYTES", 1000)
    # the block ends at the chunk edge; the next line is indented (so it would extend the block) and
    # longer than the limit, with an odd number of bytes before its two-byte characters
    text = "x" * 699 + "\n" + "   " + "é" * 2000 + "\nnext line\n"
    blocks = list(text_blocks(io.BytesIO(text.encode()), chunk_bytes=700))
    assert "".join(blocks) == text


def test_placeholders_stay_stable_across_blocks() -> None:
    text = "".join(f"line {i} mail ann@example.org\n" for i in range(2000))
    out = io.StringIO()
    redact_stream(io.BytesIO(text.encode()), out, chunk_bytes=1024)
    assert out.getvalue().count("<EMAIL#1>") == 2000 and "<EMAIL#2>" not in out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x7fELF\x00\x00\x00binary", "stdin is binary data, not text"),
        (b"ok line\n" * 2000 + "café\n".encode("latin-1"), "byte 0xe9 at offset 16003"),
    ],
)
def test_bad_input_is_one_input_error(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        redact_stream(io.BytesIO(data), io.StringIO(), chunk_bytes=1024)


def test_empty_input_writes_nothing() -> None:
    out = io.StringIO()
    redact_stream(io.BytesIO(b""), out)
    assert out.getvalue() == ""


# --------------------------------------------------------------------------- the command
def test_the_command_streams_a_file_and_stdin_to_what_one_pass_gives(
        tmp_path: Path, log_text: str, one_pass: tuple[str, dict[str, int]]) -> None:
    (tmp_path / "app.log").write_text(log_text, encoding="utf-8", newline="")
    from_file = run_cli(["redact", "app.log"], tmp_path)
    from_stdin = run_cli(["redact", "-"], tmp_path, stdin=log_text.encode())
    assert from_file.code == 0 and from_stdin.code == 0, (from_file.stderr, from_stdin.stderr)
    assert from_file.stdout == one_pass[0] and from_stdin.stdout == one_pass[0]


def test_the_command_counts_what_it_streamed(tmp_path: Path) -> None:
    text = ("boot ok\nmail ann@example.org and bob@example.org\n"
            f"DB_PASSWORD={_tok(random.Random(7), 20)}\n{_pem(random.Random(8))}")
    (tmp_path / "app.log").write_text(text, encoding="utf-8")
    res = run_cli(["redact", "app.log", "--show-redactions"], tmp_path)
    assert res.code == 0 and res.stdout == Redactor().redact(text)
    assert res.stderr == "redacted 4: EMAIL 2, password 1, private-key 1\n"


_CLEAN = "2024-03-01T10:00:{s:02d}Z INFO http request_id={n:08x} method=GET path=/api/v1/orders/{n} status=200\n"


@pytest.mark.slow
def test_the_command_redacts_200_mb_in_bounded_memory(tmp_path: Path) -> None:
    """Read whole, 200 MB of text is 400+ MB in memory; streamed, the process stays near its start size."""
    lines = [_CLEAN.format(s=i % 60, n=i) for i in range(9000)]
    lines[::300] = [f"signup email=user{i}@example-corp.com ok\n" for i in range(len(lines[::300]))]
    block = "".join(lines).encode()
    log = tmp_path / "big.log"
    with log.open("wb") as f:
        for _ in range(200_000_000 // len(block) + 1):
            f.write(block)
    code = ("import resource, subprocess, sys\n"
            "with open(sys.argv[1], 'wb') as out:\n"
            "    subprocess.run(sys.argv[2:], stdout=out, check=True)\n"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)")
    env = {k: v for k, v in os.environ.items() if k not in ("ANTHROPIC_API_KEY", "FIVEWHYS_CONFIG")}
    env["HOME"] = str(tmp_path)
    out = tmp_path / "big.out"
    proc = subprocess.run([sys.executable, "-c", code, str(out), sys.executable, "-m", "fivewhys", "redact", str(log)],
                          capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    peak_mb = int(proc.stdout)
    assert peak_mb < 150, f"peak RSS {peak_mb} MB"
    with out.open(encoding="utf-8") as f:
        head = f.read(len(block))
    assert "signup email=<EMAIL#1> ok" in head and "example-corp.com" not in head
    assert abs(out.stat().st_size - log.stat().st_size) < log.stat().st_size // 100
    log.unlink()
    out.unlink()
