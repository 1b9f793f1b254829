"""`fivewhys chat` in a real pseudo-terminal: typed keys in, what the screen shows asserted.

Offline on the bundled example, and with the claude engine: the real anthropic SDK over real HTTP to
the scripted local Messages-API server (tests/messages_server.py; not a model).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from messages_server import MessagesServer, Reply, draft, ids_in_last_tool_results, message, text, tool_use

KEY = "sk-ant-api03-test-" + "k" * 40


def test_offline_session_in_a_terminal(example_repo: Path, screen: Callable[..., Any]) -> None:
    s = screen(["--offline", (example_repo / "incident.txt").read_text().strip()], example_repo)
    s.expect("Fix goes in: app/pricing.py:18 (get_price)")
    s.expect("fivewhys> ")
    s.type("/hyp\t\r")  # tab completes the command
    s.expect("/hypotheses")
    s.expect("confirmed 0.95")
    s.type("/why\r")
    s.expect("Why 1 of 5: Why did the request fail?")
    s.expect("fivewhys> ")
    # readline shows the prompt a moment before it waits for keys; a SIGINT in between is only seen at
    # the next key (CPython checks signals when select() is interrupted), so let it settle
    time.sleep(0.3)
    s.type("\x03")  # Ctrl-C at the prompt: a hint, the session stays
    s.expect("Ctrl-D or /quit leaves")
    s.type("/evidence E8\r")
    s.expect("E8 · source · app/pricing.py:18")
    s.expect("fivewhys> ")
    s.type("\x1b[A\x1b[A\r")  # history: two lines up is /why again
    s.expect("Why 2 of 5")
    s.expect("fivewhys> ")
    s.type("\x04")  # Ctrl-D leaves
    s.expect("continues it")
    assert s.wait() == 0


def test_claude_follow_up_uses_tools_and_ctrl_c_cancels_a_step(example_repo: Path, screen: Callable[..., Any]) -> None:
    def answer(body: dict[str, Any]) -> Reply:
        ids = ids_in_last_tool_results(body)
        return message(text(f"SKU-3310 fails on every checkout since the deploy {ids[:2]}."))

    def slow(body: dict[str, Any]) -> Reply:
        time.sleep(3)
        return message(text("too late"))

    script = [message(tool_use("submit_report", draft(["E1", "E3"]))),
              message(text("Let me look."), tool_use("search_logs", {"pattern": "SKU-3310", "max_matches": 2})),
              answer, slow, message(text("Still here: E3 is the first failure."))]
    with MessagesServer(script) as srv:
        env = {"ANTHROPIC_API_KEY": KEY, "ANTHROPIC_BASE_URL": srv.url}
        s = screen([(example_repo / "incident.txt").read_text().strip()], example_repo, env)
        s.expect("engine claude")
        s.expect("fivewhys> ")
        s.type("which SKUs fail?\r")
        shown = s.expect("fivewhys> ")
        found = re.search(r"Let me look\.\s+SKU-3310 fails on every checkout since the deploy \['(E\d+)', 'E\d+'\]", shown)
        assert found is not None, shown
        s.type(f"/evidence {found.group(1)}\r")  # what the model's tool call found is citable evidence
        s.expect(f"{found.group(1)} · log · logs/checkout.jsonl:")
        s.expect("matches 'SKU-3310'")
        s.type("and the cache?\r")
        while len(srv.requests) < 4:
            time.sleep(0.05)
        s.type("\x03")  # cancels the waiting follow-up, not the session
        s.expect("cancelled (the session goes on")
        s.type("is E3 the first failure?\r")
        s.expect("Still here: E3 is the first failure.")
        s.type("/cost\r")
        s.expect("engine claude (claude-sonnet-5-5): 4 calls")  # the cancelled call is not counted
        s.type("/quit\r")
        s.expect("continues it")
        assert s.wait() == 0
    follow_up = srv.requests[1]["messages"]
    closing, question = follow_up[-1]["content"][0], follow_up[-1]["content"][-1]
    submit_id = follow_up[-2]["content"][0]["id"]
    assert closing == {"type": "tool_result", "tool_use_id": submit_id, "content": "Received."}
    assert question == {"type": "text", "text": "which SKUs fail?"}
    tool_result = srv.requests[2]["messages"][-1]["content"][0]
    assert tool_result["type"] == "tool_result" and "2 matching records" not in tool_result["content"]
    assert "SKU-3310" in tool_result["content"]
    # the cancelled question left no trace: the next one follows the last complete answer
    last = srv.requests[4]["messages"]
    assert last[-1]["content"] == [{"type": "text", "text": "is E3 the first failure?"}]
    assert "and the cache?" not in str(last)


def test_a_crash_loses_nothing_already_shown(example_repo: Path, screen: Callable[..., Any], tmp_path: Path) -> None:
    import os
    import signal

    from fivewhys.chat.store import Store

    s = screen(["--offline", (example_repo / "incident.txt").read_text().strip()], example_repo)
    s.expect("fivewhys> ")
    s.type("/hypotheses\r")
    s.expect("H2  confirmed 0.90")
    os.killpg(s.proc.pid, signal.SIGKILL)  # no chance to save anything on the way out
    s.proc.wait()
    store = Store(tmp_path / "state")
    try:
        row = store.latest()
        assert row is not None
        lines = store.transcript(row.id)
    finally:
        store.close()
    assert [line.role for line in lines] == ["user", "fivewhys", "user", "fivewhys"]
    assert lines[2].text == "/hypotheses" and "H1  confirmed" in lines[3].text and "H2  confirmed" in lines[3].text
