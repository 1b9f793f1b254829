"""`fivewhys redact` as a user runs it: the project config's rules, --show-redactions, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import run_cli

# Made-up values assembled here, so no credential-shaped literal sits in the repo.
CI_KEY = "AKIA" + "ZQ4XW7RB2NC8TM5Y"
AWS_KEY = "AKIA" + "QYLPMN5HXZ7RTW2B"
ITK = "itk_" + "Qz8vLm2Rt5xWb7Nc4Yd1Ke6Hj3Pa9Sf0"
LOG = (f"boot with {CI_KEY} then {AWS_KEY}\n"
       f"billing token {ITK}\n"
       '{"user": {"email": "not-an-address", "name": "Ann"}, "msg": "mail ann@example.org"}\n'
       "retry user.email=zed code=7\n")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A repository whose .fivewhys.toml adds a pattern and drops a field; the user's config (only
    it may allow values) allows a test key. ``run_cli`` makes the folder HOME."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".fivewhys.toml").write_text(
        'redact_patterns = { "internal-token" = "itk_[A-Za-z0-9]{32}" }\n'
        'redact_drop_fields = ["user.email"]\n')
    user_config = tmp_path / ".config" / "fivewhys" / "config.toml"
    user_config.parent.mkdir(parents=True)
    user_config.write_text(f'redact_allow = ["{CI_KEY}"]\n')
    (tmp_path / "app.log").write_text(LOG)
    return tmp_path


def test_the_command_follows_the_project_config(project: Path) -> None:
    res = run_cli(["redact", "app.log"], project)
    assert res.code == 0, res.stderr
    assert res.stdout == (f"boot with {CI_KEY} then <SECRET:aws-access-key#1>\n"
                          "billing token <SECRET:internal-token#1>\n"
                          '{"user": {"email": "<SECRET:field#1>", "name": "Ann"}, "msg": "mail <EMAIL#1>"}\n'
                          "retry user.email=<SECRET:field#2> code=7\n")


def test_without_a_config_the_built_in_rules_alone_apply(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "app.log").write_text(LOG)
    res = run_cli(["redact", "app.log"], tmp_path)
    assert res.code == 0, res.stderr
    assert res.stdout == ("boot with <SECRET:aws-access-key#1> then <SECRET:aws-access-key#2>\n"
                          f"billing token {ITK}\n"
                          '{"user": {"email": "not-an-address", "name": "Ann"}, "msg": "mail <EMAIL#1>"}\n'
                          "retry user.email=zed code=7\n")


def test_jsonl_follows_the_project_config_and_shows_counts(project: Path) -> None:
    lines = "".join(json.dumps({"id": n, "text": line}) + "\n" for n, line in enumerate(LOG.splitlines()))
    res = run_cli(["redact", "--jsonl", "--show-redactions"], project, stdin=lines.encode())
    assert res.code == 0, res.stderr
    texts = [json.loads(line)["text"] for line in res.stdout.splitlines()]
    assert texts[1] == "billing token <SECRET:internal-token#1>" and texts[0].startswith(f"boot with {CI_KEY} ")
    assert res.stderr == "redacted 5: aws-access-key 1, EMAIL 1, field 2, internal-token 1\n"


def test_show_redactions_prints_counts_never_values(tmp_path: Path) -> None:
    text = f"a {AWS_KEY} b ann@example.org c bob@example.org d ann@example.org\n"
    res = run_cli(["redact", "--show-redactions", "-"], tmp_path, stdin=text.encode())
    assert res.code == 0 and res.stdout == ("a <SECRET:aws-access-key#1> b <EMAIL#1> c <EMAIL#2> d <EMAIL#1>\n")
    assert res.stderr == "redacted 4: aws-access-key 1, EMAIL 3\n"
    assert AWS_KEY not in res.stderr and "example.org" not in res.stderr


def test_show_redactions_says_so_when_nothing_was_redacted(tmp_path: Path) -> None:
    res = run_cli(["redact", "--show-redactions"], tmp_path, stdin=b"all quiet\n")
    assert (res.code, res.stdout, res.stderr) == (0, "all quiet\n", "nothing redacted\n")


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["redact", "-"], b"\x00\x01\x02binary\x00", "stdin is binary data, not text"),
        (["redact", "-"], "caf\u00e9 crashed".encode("latin-1"), "stdin is not UTF-8 text (byte 0xe9 at offset 3)"),
        (["redact", "missing.log"], b"", "missing.log: no such file"),
        (["redact", "--jsonl", "missing.jsonl"], b"", "missing.jsonl: no such file"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path: Path, args: list[str], stdin: bytes, message: str) -> None:
    res = run_cli(args, tmp_path, stdin=stdin)
    assert res.code == 2 and res.stdout == ""
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"fivewhys: {message}")


def test_empty_input_is_empty_output(tmp_path: Path) -> None:
    res = run_cli(["redact"], tmp_path, stdin=b"")
    assert (res.code, res.stdout, res.stderr) == (0, "", "")


def test_a_bad_pattern_in_the_project_config_is_one_line(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".fivewhys.toml").write_text('redact_patterns = { "x" = "itk_(" }\n')
    res = run_cli(["redact"], tmp_path, stdin=b"text\n")
    assert res.code == 2 and res.stdout == ""
    assert len(res.stderr.strip().splitlines()) == 1 and "bad regex" in res.stderr
