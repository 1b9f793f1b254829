"""The evidence tools as engines call them: validated input, results not exceptions, sandboxed."""

from __future__ import annotations

from pathlib import Path

from fivewhys.evidence.git import Git
from fivewhys.evidence.source import RepoIndex
from fivewhys.graph.state import EvidenceBook
from fivewhys.tools import TOOLS, ToolEnv, call_tool


def _env(repo: Path) -> ToolEnv:
    git = Git(repo)
    return ToolEnv(book=EvidenceBook([], repo), git=git, index=RepoIndex(repo, git.tracked_files()),
                   log_paths=[repo / "logs" / "checkout.jsonl"])


def test_every_tool_has_a_schema_and_a_description() -> None:
    for tool in TOOLS.values():
        schema = tool.input_schema()
        assert schema["type"] == "object" and tool.description and "title" not in schema


def test_read_source_now_and_at_an_older_commit(example_repo: Path) -> None:
    env = _env(example_repo)
    now = call_tool("read_source", {"path": "app/pricing.py", "line": 18, "before": 2, "after": 0}, env)
    assert now.status == "ok" and "return None" in now.output
    first = env.git.log(["app/pricing.py"])[-1].sha  # type: ignore[union-attr]
    old = call_tool("read_source", {"path": "app/pricing.py", "line": 8, "before": 2, "after": 0, "commit": first},
                    env)
    assert old.status == "ok" and 'catalog.lookup(sku)["price_cents"]' in old.output
    assert old.evidence and env.book.items[-1].source == f"commit:{first}"
    missing = call_tool("read_source", {"path": "app/pricing.py", "line": 400, "commit": first}, env)
    assert missing.status == "error"


def test_git_suspects_ranks_the_culprit_first(example_repo: Path) -> None:
    env = _env(example_repo)
    out = call_tool("git_suspects", {"frames": ["app/cart.py:11:total", "app/server.py:13:handle_checkout"],
                                     "onset": "2026-11-27T11:27:07+00:00"}, env)
    assert out.status == "ok"
    top = out.output.splitlines()[0]
    assert "Return None for SKUs missing from the price cache" in top and "get_price" in top


def test_bad_arguments_and_unknown_tools_come_back_as_errors(example_repo: Path) -> None:
    env = _env(example_repo)
    assert call_tool("git_show", {"sha": "zzz"}, env).status == "error"
    assert "unknown tool" in call_tool("rm_rf", {}, env).output
    assert "invalid arguments" in call_tool("git_blame", {"path": "a.py"}, env).output
    assert call_tool("read_source", {"path": "../outside.txt", "line": 1}, env).status == "error"
    assert call_tool("search_logs", {"pattern": "(unclosed", "regex": True}, env).status == "error"
