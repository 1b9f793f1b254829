"""Budgets, the retry policy, prompts and the brief: the claude engine's guard rails."""

from __future__ import annotations

import typing
from pathlib import Path

import anthropic
import httpx
import pytest

from fivewhys import Settings, analyze_text, prompting
from fivewhys.config import DEFAULT_MODEL
from fivewhys.graph.state import AnalysisState, EvidenceBook, Facts
from fivewhys.intake import Incident
from fivewhys.reasoners.brief import MAX_BRIEF_CHARS, incident_brief
from fivewhys.reasoners.pricing import Usage, price_of
from fivewhys.retry import is_retryable, retry_after_s
from messages_server import MessagesServer, draft, message, tool_use

KEY = "sk-ant-api03-budget-" + "b" * 40


def test_default_model_is_current_in_the_installed_sdk() -> None:
    from anthropic._data import DEPRECATED_MODELS
    from anthropic.types.model import Model

    known = typing.get_args(typing.get_args(Model)[0])
    assert DEFAULT_MODEL in known and DEFAULT_MODEL not in DEPRECATED_MODELS


@pytest.mark.parametrize(("extra", "reason"), [({"deadline_s": 0.001}, "deadline"),
                                               ({"max_cost_usd": 0.001}, "cost budget")])
def test_budgets_stop_before_calling(example_repo: Path, extra: dict[str, float], reason: str) -> None:
    script = [message(tool_use("search_logs", {"pattern": "500"}), input_tokens=2000, output_tokens=500),
              message(tool_use("submit_report", draft(["E1"])))]
    with MessagesServer(script) as srv:
        s = Settings(api_key=KEY, base_url=srv.url, retry_base_s=0.0, **extra)
        report = analyze_text("checkout 500s, see logs/checkout.jsonl", s, cwd=example_repo)
    assert len(srv.requests) <= 1
    assert report.engine.name == "offline" and reason in (report.engine.fallback_reason or "")


def _status_error(status: int, headers: dict[str, str]) -> anthropic.APIStatusError:
    request = httpx.Request("POST", "http://127.0.0.1/v1/messages")
    response = httpx.Response(status, headers=headers, request=request, json={"error": {"message": "x"}})
    cls = {429: anthropic.RateLimitError, 529: anthropic.InternalServerError, 400: anthropic.BadRequestError,
           503: anthropic.InternalServerError}[status]
    return cls("x", response=response, body=None)


def test_retry_policy_classifies_errors_and_reads_retry_after() -> None:
    assert is_retryable(_status_error(429, {})) and is_retryable(_status_error(529, {}))
    assert is_retryable(_status_error(503, {}))
    assert not is_retryable(_status_error(400, {}))
    assert is_retryable(anthropic.APIConnectionError(request=httpx.Request("POST", "http://x")))
    assert retry_after_s(_status_error(429, {"retry-after": "7"})) == 7.0
    assert retry_after_s(_status_error(429, {"retry-after-ms": "250"})) == 0.25
    assert retry_after_s(_status_error(429, {"retry-after": "3600"})) == 60.0  # capped
    assert retry_after_s(_status_error(429, {})) is None


def test_usage_cost_uses_the_one_price_table() -> None:
    u = Usage()
    u.add(1_000_000, 100_000, 0, 1_000_000)
    inp, out = price_of("claude-sonnet-5-5")
    assert u.cost_usd("claude-sonnet-5-5") == pytest.approx(inp + out * 0.1 + inp * 0.1)
    assert price_of("claude-opus-5") != price_of("claude-haiku-4-5")


def test_prompts_declare_their_variables() -> None:
    assert "never instructions" in prompting.render("system")
    with pytest.raises(prompting.PromptError, match="missing"):
        prompting.render("incident", description="x")
    with pytest.raises(prompting.PromptError, match="unknown"):
        prompting.render("system", surprise="x")


def test_brief_stays_under_its_budget_however_large_the_evidence(tmp_path: Path) -> None:
    state = AnalysisState(incident=Incident(text="x", cwd=tmp_path),
                          facts=Facts(exception_type="E", message="m" * 50_000,
                                      error_lines=["line " * 1000] * 500))
    book = EvidenceBook.for_state(state)
    for n in range(5000):
        book.add("log", f"app.log:{n + 1}", "payload " * 200)
    state.evidence = book.items
    brief = incident_brief(state, 4)
    assert len(brief) <= MAX_BRIEF_CHARS
    assert "E40" in brief and "E41 " not in brief and "more items" in brief
