"""Recorded exchanges of the claude engine, replayed by vcrpy with no server and no network.

Modes (``FIVEWHYS_RECORD``): unset — replay only (``record_mode="none"``: a request that is not in
the cassette fails the test, and so does a recorded request that goes unused); ``scripted`` —
re-record against the scripted local Messages-API server (tests/messages_server.py); ``live`` —
re-record against the real API (needs ANTHROPIC_API_KEY; `make record`). Each cassette starts with a
comment saying which of the two produced it. Credentials never reach a cassette: authorization,
x-api-key and cookie headers are filtered, and a test scans every cassette.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
import vcr

from fivewhys import Settings, analyze_text
from messages_server import MessagesServer, Reply, draft, ids_in_last_tool_results, message, text, tool_use

CASSETTES = Path(__file__).resolve().parents[1] / "cassettes"
MODE = os.environ.get("FIVEWHYS_RECORD", "")
SECRET_HEADERS = ["authorization", "x-api-key", "cookie", "set-cookie", "anthropic-organization-id"]
HEADER_NOTE = {
    "scripted": "# Produced by the scripted local Messages-API server (tests/messages_server.py), not by a model.\n"
                "# Re-record: FIVEWHYS_RECORD=scripted pytest tests/reasoners/test_claude_cassettes.py\n",
    "live": "# Produced by the live Anthropic API (make record, with ANTHROPIC_API_KEY set).\n",
}


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    response["headers"] = {k: v for k, v in response["headers"].items() if k.lower() not in SECRET_HEADERS}
    return response


def recorder() -> vcr.VCR:
    return vcr.VCR(cassette_library_dir=str(CASSETTES), record_mode="all" if MODE else "none",
                   match_on=["method", "path"], filter_headers=SECRET_HEADERS, decode_compressed_response=True,
                   before_record_response=_scrub_response)


def _script() -> list[Any]:
    def submit(body: dict[str, Any]) -> Reply:
        return message(tool_use("submit_report", draft(["E1", *ids_in_last_tool_results(body)])))

    return [message(text("The crash multiplies a price that is None; reading get_price."),
                    tool_use("read_source", {"path": "app/pricing.py", "line": 18, "before": 6, "after": 2}),
                    tool_use("git_log", {"path": "app/pricing.py", "function": "get_price"})),
            submit]


def _note(path: Path) -> None:
    body = path.read_text(encoding="utf-8")
    path.write_text(HEADER_NOTE[MODE] + body, encoding="utf-8")


def test_example_incident_replays_from_its_cassette(example_repo: Path) -> None:
    name = "claude_example_incident.yaml"
    incident = (example_repo / "incident.txt").read_text()
    if MODE == "live" and not os.environ.get("ANTHROPIC_API_KEY"):
        pytest.fail("FIVEWHYS_RECORD=live needs ANTHROPIC_API_KEY")
    server = MessagesServer(_script()) if MODE == "scripted" else None
    if server is not None:
        server.__enter__()
    try:
        url = server.url if server else (None if MODE == "live" else "http://127.0.0.1:1")
        key = os.environ.get("ANTHROPIC_API_KEY", "") if MODE == "live" else "sk-ant-replay-placeholder"
        settings = Settings(api_key=key, base_url=url, retry_base_s=0.0, retry_attempts=1)
        with recorder().use_cassette(name) as cassette:
            report = analyze_text(incident, settings, cwd=example_repo)
            if not MODE:
                assert cassette.all_played, "a recorded request was not replayed"
    finally:
        if server is not None:
            server.__exit__(None, None, None)
    if MODE:
        _note(CASSETTES / name)
    assert report.engine.name == "claude" and report.engine.fallback_reason is None
    assert report.root_cause.location is not None and report.root_cause.location.file == "app/pricing.py"
    assert report.warnings == []


CREDENTIAL = re.compile(r"(?i)^\s*-?\s*(authorization|x-api-key|cookie|set-cookie)\s*:|sk-ant-api\d\d-[\w-]{20,}"
                        r"|Bearer\s+[\w.-]{12,}")


@pytest.mark.parametrize("path", sorted(CASSETTES.glob("*.yaml")), ids=lambda p: p.name)
def test_cassettes_hold_no_credentials_and_say_what_produced_them(path: Path) -> None:
    text_ = path.read_text(encoding="utf-8")
    assert text_.startswith("# Produced by "), "cassette must say what produced it"
    hits = [line for line in text_.splitlines() if CREDENTIAL.search(line)]
    assert hits == []


def test_there_is_at_least_one_cassette() -> None:
    assert list(CASSETTES.glob("*.yaml"))
