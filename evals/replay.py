"""The claude engine in the evals: replayed from cassettes, or re-recorded.

- replay (default): vcrpy, ``record_mode="none"``, matching on method and path; a request missing from
  the cassette fails, and so does a recorded request left unused. No network.
- ``scripted``: record against the scripted local Messages-API server (``tests/messages_server.py``),
  driven by the case's ``scripted.toml``. Its replies are NOT a model's: they are a plausible
  investigation written by hand, and every such cassette says so in its first line.
- ``live``: record against the Anthropic API with ``ANTHROPIC_API_KEY``.

Credentials never reach a cassette: authorization, x-api-key and cookie headers are filtered.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from fivewhys import Settings, analyze_text
from fivewhys.report.model import CommitRef, Report

from schema import Case, Scripted, load_scripted

EVALS = Path(__file__).resolve().parent
CASSETTES = EVALS / "cassettes"
SERVER_MODULE = EVALS.parent / "tests" / "messages_server.py"
SECRET_HEADERS = ["authorization", "x-api-key", "cookie", "set-cookie", "anthropic-organization-id"]
HEADER = {
    "scripted": "# Produced by the scripted local Messages-API server (tests/messages_server.py), not by a model.\n"
                "# Re-record: python evals/run.py --record scripted --case {case}\n",
    "live": "# Produced by the live Anthropic API (python evals/run.py --record live, ANTHROPIC_API_KEY set).\n",
}
REPLAY_URL = "http://127.0.0.1:1"  # never reached: vcrpy answers every request from the cassette

__all__ = ["cassette_path", "commit_by_subject", "live_key", "load_scripted", "run_claude"]


def cassette_path(case: str) -> Path:
    """Where a case's cassette lives."""
    return CASSETTES / f"{case}.yaml"


def live_key() -> str:
    """The API key for live recording (read only when asked)."""
    return os.environ.get("ANTHROPIC_API_KEY", "")


def commit_by_subject(repo: Path, subject: str) -> CommitRef | None:
    """The newest commit of ``repo`` with exactly this subject."""
    if not (repo / ".git").exists():
        return None
    out = subprocess.run(["git", "log", "--format=%H%x1f%s%x1f%an%x1f%aI"], cwd=repo, capture_output=True,
                         text=True, check=False).stdout
    for line in out.splitlines():
        sha, subj, author, date = line.split("\x1f")
        if subj == subject:
            return CommitRef(sha=sha, subject=subj, author=author, date=date)
    return None


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    response["headers"] = {k: v for k, v in response["headers"].items() if k.lower() not in SECRET_HEADERS}
    return response


def _vcr(record: str | None) -> Any:
    import vcr

    return vcr.VCR(cassette_library_dir=str(CASSETTES), record_mode="all" if record else "none",
                   match_on=["method", "path"], filter_headers=SECRET_HEADERS, decode_compressed_response=True,
                   before_record_response=_scrub_response)


def _settings(record: str | None, url: str | None) -> Settings:
    if record == "live":
        return Settings(engine="claude", api_key=live_key())
    return Settings(engine="claude", api_key="sk-ant-eval-placeholder", base_url=url or REPLAY_URL,
                    retry_attempts=1, retry_base_s=0.0)


def run_claude(folder: Path, case: Case, dest: Path, record: str | None) -> Report:
    """Analyze the built case with the claude engine: replay its cassette, or record a new one."""
    name = folder.name
    path = cassette_path(name)
    server = _server(folder, dest) if record == "scripted" else None
    if record:
        path.unlink(missing_ok=True)
        CASSETTES.mkdir(parents=True, exist_ok=True)
    try:
        url = server.__enter__().url if server is not None else None
        with _vcr(record).use_cassette(path.name) as cassette:
            report = analyze_text(case.text, _settings(record, url), cwd=dest)
            if not record and not cassette.all_played:
                raise AssertionError(f"{path.name}: a recorded request was not replayed")
    finally:
        if server is not None:
            server.__exit__(None, None, None)
    if record:
        path.write_text(HEADER[record].format(case=name) + path.read_text(encoding="utf-8"), encoding="utf-8")
    return report


# ------------------------------------------------------------------ the scripted server's replies
def _server_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fivewhys_tests_messages_server", SERVER_MODULE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _server(folder: Path, dest: Path) -> Any:
    scripted = load_scripted(folder)
    if scripted is None:
        raise FileNotFoundError(f"{folder.name} has no scripted.toml to record from")
    ms = _server_module()
    commit = commit_by_subject(dest, scripted.commit_subject) if scripted.commit_subject else None
    steps: list[Any] = [_round_step(ms, r.say, [(c.name, c.input) for c in r.calls]) for r in scripted.rounds]
    steps.append(_submit_step(ms, scripted, commit))
    return ms.MessagesServer(steps)


def _usage(body: dict[str, Any], content: list[dict[str, Any]]) -> dict[str, int]:
    """Plausible token counts: about four characters a token of what was sent and returned."""
    prefix = len(json.dumps([body.get("system"), body.get("tools")])) // 4
    first = len(body.get("messages", [])) == 1
    return {"input_tokens": len(json.dumps(body.get("messages"))) // 4, "output_tokens": len(json.dumps(content)) // 4,
            "cache_write": prefix if first else 0, "cache_read": 0 if first else prefix}


def _round_step(ms: ModuleType, say: str, calls: list[tuple[str, dict[str, Any]]]) -> Any:
    def step(body: dict[str, Any]) -> Any:
        content = [ms.text(say), *(ms.tool_use(name, args) for name, args in calls)]
        return ms.message(*content, **_usage(body, content))

    return step


def evidence_blocks(body: dict[str, Any]) -> dict[str, str]:
    """Each evidence id seen in the conversation -> the text that follows it (its evidence line)."""
    texts: list[str] = []
    for msg in body.get("messages", []):
        for block in msg["content"] if isinstance(msg["content"], list) else [{"text": msg["content"]}]:
            value = block.get("text") or block.get("content") or ""
            texts.append(value if isinstance(value, str) else json.dumps(value))
    blocks: dict[str, str] = {}
    for text in texts:
        marks = list(re.finditer(r"(?:^|\n)(?:- |\[)(E\d+)\]? ?", text))
        for here, after in zip(marks, [*marks[1:], None]):
            end = after.start() if after else min(len(text), here.end() + 600)
            blocks.setdefault(here.group(1), text[here.end():end][:600])
    return blocks


def _submit_step(ms: ModuleType, scripted: Scripted, commit: CommitRef | None) -> Any:
    def step(body: dict[str, Any]) -> Any:
        blocks = evidence_blocks(body)
        cited = [i for i, line in blocks.items() if any(c in line for c in scripted.cite)]
        report = copy.deepcopy(scripted.report)
        report["root_cause"]["evidence"] = cited
        if commit is not None:
            report["root_cause"]["commit"] = commit.model_dump()
        for hyp in report.get("hypotheses", []):
            hyp.setdefault("evidence", cited)
        content = [ms.tool_use("submit_report", report)]
        return ms.message(*content, **_usage(body, content))

    return step
