"""`fivewhys mcp` driven by the mcp SDK's own client over stdio, on a real repo and logs."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import anyio
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

SECRET = "postgres://pay:Sup3rS3cretPw@db.internal:5432/pay"


async def _session(repo: Path, logs: list[Path], calls: list[tuple[str, dict[str, Any]]]) -> tuple[list[str], list[Any]]:
    env = {k: v for k, v in os.environ.items() if k != "ANTHROPIC_API_KEY"}
    args = ["-m", "fivewhys", "mcp", "--repo", str(repo)] + [a for p in logs for a in ("--log", str(p))]
    params = StdioServerParameters(command=sys.executable, args=args, env=env, cwd=str(repo))
    with open(os.devnull, "w") as errlog:
        async with stdio_client(params, errlog=errlog) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                listed = await session.list_tools()
                results = [await session.call_tool(name, args_) for name, args_ in calls]
    return [t.name for t in listed.tools], results


def _text(result: Any) -> str:
    return "".join(c.text for c in result.content)


def test_tools_over_stdio_on_a_real_repo(example_repo: Path) -> None:
    log = example_repo / "logs" / "checkout.jsonl"
    (example_repo.parent / "other.log").write_text("2026-11-27T11:00:00Z ERROR not yours to read\n")
    with log.open("a") as fh:
        fh.write(json.dumps({"timestamp": "2026-11-27T11:41:00Z", "level": "ERROR", "service": "checkout",
                             "message": f"cannot reach billing at {SECRET}"}) + "\n")
    calls: list[tuple[str, dict[str, Any]]] = [
        ("read_source", {"path": "app/pricing.py", "line": 18, "before": 3, "after": 1}),
        ("search_logs", {"pattern": "billing"}),
        ("git_log", {"path": "app/pricing.py", "function": "get_price"}),
        ("git_blame", {"path": "app/cart.py", "start": 10, "end": 11}),
        ("extract_frames", {"text": 'Traceback (most recent call last):\n  File "/srv/app/cart.py", line 11, in total\n'
                                    "    x\nTypeError: boom\n"}),
        ("log_templates", {}),
        ("analyze", {"text": "checkout returns 500 since 11:27"}),
        ("read_source", {"path": "../../../../etc/passwd", "line": 1}),
        ("analyze", {"text": f"see {example_repo.parent / 'other.log'} for details"}),
        ("git_show", {"sha": "not-a-sha"}),
        ("analyze", {"text": "see /etc/no-such-thing.log and /etc/hostname.log"}),
    ]
    names, results = anyio.run(_session, example_repo, [log], calls)
    assert {"analyze", "extract_frames", "search_logs", "log_templates", "git_log", "git_blame", "git_show",
            "read_source", "search_code"} <= set(names)
    source, search, history, blame, frames, templates, report, outside, outside_text, bad_sha, probe = results
    assert "return None" in _text(source) and not source.is_error
    assert SECRET not in _text(search) and "<SECRET:" in _text(search) and "1 matching records" in _text(search)
    assert "Return None for SKUs missing from the price cache" in _text(history)
    assert "Alice Moreau" in _text(blame)
    assert json.loads(_text(frames))["exceptions"][0]["type"] == "TypeError"
    assert "x26 first 2026-11-27 11:27:07" in _text(templates) and "deployed version v1.4.0" in _text(templates)
    data = json.loads(_text(report))
    assert data["root_cause"]["location"]["function"] == "get_price" and data["engine"]["name"] == "offline"
    assert outside.is_error and "is not a line of a file in the repository" in _text(outside)
    assert outside_text.is_error and "outside the sandbox" in _text(outside_text)
    assert bad_sha.is_error and "invalid arguments" in _text(bad_sha)
    # a missing file outside the sandbox gets the same refusal as an existing one: nothing is probed
    assert probe.is_error and "outside the sandbox" in _text(probe) and "no such file" not in _text(probe)
