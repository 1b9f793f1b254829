"""The claude engine: Claude drives the hypothesis loop through the Messages API with tool use.

This is the only module that imports ``anthropic``. One analysis is one conversation:

- hypothesize = one API call. The model answers with tool calls (then investigate runs them and sends
  the results back as ``tool_result`` blocks) or with ``submit_report``, whose input schema is the
  Report model (minus the fields fivewhys fills itself: evidence, engine, warnings).
- write_report returns the submitted report; if none came, one last call forces ``submit_report``
  (``tool_choice``); the tool definitions stay in place so the cached prefix stays valid.
- Budgets (iterations, input/output tokens, cost, deadline) are checked before every call; a call
  that would break one is not made. Retries follow retry.py (SDK retries off). When the API stays
  unavailable or the budget runs out before a report, ``EngineError`` tells analyze() to let the
  offline engine finish, and ``engine.fallback_reason`` says why.
- Everything sent passes one Redactor (stable placeholders across the whole conversation).
"""

from __future__ import annotations

import json
import time
from typing import Any

from pydantic import ValidationError

from .. import prompting
from ..config import Settings
from ..errors import EngineError, describe_validation
from ..graph.state import AnalysisState, EvidenceBook, HypothesisState, RunContext
from ..redact import RedactOptions, Redactor
from ..report.model import EngineInfo, Report
from ..retry import call_with_retries
from ..tools import TOOLS, ToolEnv, call_tool
from .base import Investigation
from .brief import incident_brief
from .pricing import Usage

SUBMIT = "submit_report"
FILLED_BY_FIVEWHYS = ("evidence", "engine", "warnings", "schema_version")
MAX_TOKENS_PER_CALL = 4096


def submit_schema() -> dict[str, Any]:
    """The Report's JSON Schema without the fields fivewhys fills in itself."""
    schema = Report.model_json_schema()
    for name in FILLED_BY_FIVEWHYS:
        schema["properties"].pop(name, None)
    schema["required"] = [r for r in schema.get("required", []) if r not in FILLED_BY_FIVEWHYS]
    schema["$defs"].pop("EngineInfo", None)
    schema["$defs"].pop("Evidence", None)
    schema.pop("title", None)
    return schema


def tool_definitions() -> list[dict[str, Any]]:
    tools = [{"name": t.name, "description": t.description, "input_schema": t.input_schema()} for t in TOOLS.values()]
    tools.append({"name": SUBMIT, "description": "Submit the final eight-section root-cause report. Cite only "
                  "evidence ids seen in this conversation; set inconclusive when nothing is confirmed.",
                  "input_schema": submit_schema()})
    tools[-1]["cache_control"] = {"type": "ephemeral"}  # caches system + tools
    return tools


class ClaudeReasoner:
    """Claude runs the loop; fivewhys runs the tools, keeps the budget and checks the answer."""

    name = "claude"

    def __init__(self, settings: Settings, client: Any | None = None) -> None:
        self.settings = settings
        self.client = client or _client(settings)
        # Always on: --no-redact keeps secrets in the user's own report, never in what leaves for the API.
        self.redactor = Redactor(RedactOptions.from_settings(settings))
        self.usage = Usage()
        self.messages: list[dict[str, Any]] = []
        self.pending: list[dict[str, Any]] = []
        self.final: Report | None = None
        self.seen_calls: set[str] = set()
        self.started = time.monotonic()
        self.system = prompting.render("system")
        self.tools = tool_definitions()

    # ---------------------------------------------------------------- the loop
    def hypothesize(self, state: AnalysisState, ctx: RunContext) -> list[HypothesisState]:
        if self.final is not None:
            return state.hypotheses
        if not self.messages:
            brief = incident_brief(state, self.settings.max_iterations)
            self.messages.append({"role": "user", "content": [
                {"type": "text", "text": self._redact(brief), "cache_control": {"type": "ephemeral"}}]})
        if self._budget_problem(state) is not None:
            return [self._marker("The budget is spent; writing the report.", [])]
        last_round = state.iteration + 1 >= self.settings.max_iterations
        ctx.progress(f"hypothesize: asking {self.settings.model} (round {state.iteration + 1})")
        content = self._call(force_submit=last_round)
        text = " ".join(b["text"] for b in content if b["type"] == "text").strip()
        self.pending = [b for b in content if b["type"] == "tool_use"]
        submit = next((b for b in self.pending if b["name"] == SUBMIT), None)
        if submit is not None and self._accept(submit, state):
            self.pending = []
            return [self._marker(self.final.root_cause.statement if self.final else text, [], "confirmed")]
        return [self._marker(text or "investigating", [b["name"] for b in self.pending])]

    def investigate(self, state: AnalysisState, ctx: RunContext) -> Investigation:
        book = EvidenceBook.for_state(state)
        env = ToolEnv(book=book, git=ctx.git, index=ctx.extra.get("repo_index"), log_paths=state.incident.log_paths)
        results = [self._run_tool(block, env, ctx) for block in self.pending]
        self.pending = []
        self.messages.append({"role": "user", "content": results})
        hyps = [h.model_copy(update={"pending": []}) for h in state.hypotheses]
        return Investigation(hypotheses=hyps, evidence=book.items, added=book.added)

    def write_report(self, state: AnalysisState, ctx: RunContext) -> Report:
        if self.final is None:
            problem = self._budget_problem(state)
            if problem is not None:
                raise EngineError(problem)
            self._close_open_tool_calls("Investigation is over. Call submit_report now.")
            ctx.progress("report: asking for the final report")
            content = self._call(force_submit=True)
            submit = next((b for b in content if b["type"] == "tool_use" and b["name"] == SUBMIT), None)
            if submit is None or not self._accept(submit, state):
                raise EngineError("the model did not submit a valid report")
        assert self.final is not None
        report = self.final.model_copy(update={"evidence": list(state.evidence), "engine": self.engine_info(state)})
        return report

    def engine_info(self, state: AnalysisState) -> EngineInfo:
        u = self.usage
        return EngineInfo(name="claude", model=self.settings.model, iterations=max(state.iteration, u.calls),
                          input_tokens=u.total_input, output_tokens=u.output_tokens,
                          cost_usd=u.cost_usd(self.settings.model))

    # ---------------------------------------------------------------- helpers
    def _call(self, force_submit: bool) -> list[dict[str, Any]]:
        import anthropic

        kwargs: dict[str, Any] = {
            "model": self.settings.model, "max_tokens": MAX_TOKENS_PER_CALL, "messages": self.messages,
            "system": [{"type": "text", "text": self.system, "cache_control": {"type": "ephemeral"}}],
            "tools": self.tools,
        }
        if force_submit:
            kwargs["tool_choice"] = {"type": "tool", "name": SUBMIT}
        s = self.settings
        try:
            response = call_with_retries(lambda: self.client.messages.create(**kwargs), attempts=s.retry_attempts,
                                         base_s=s.retry_base_s, deadline_s=self._time_left())
        except anthropic.APIStatusError as exc:
            raise EngineError(f"Anthropic API error {exc.status_code} after retries: {_short(exc)}") from exc
        except anthropic.APIConnectionError as exc:
            raise EngineError(f"Anthropic API unreachable after retries: {type(exc).__name__}") from exc
        u = response.usage
        self.usage.add(u.input_tokens, u.output_tokens, u.cache_creation_input_tokens or 0,
                       u.cache_read_input_tokens or 0)
        content = [b.model_dump(mode="json", exclude_none=True) for b in response.content]
        self.messages.append({"role": "assistant", "content": content})
        return content

    def _run_tool(self, block: dict[str, Any], env: ToolEnv, ctx: RunContext) -> dict[str, Any]:
        name, args = block["name"], block.get("input") or {}
        key = json.dumps([name, args], sort_keys=True)
        if name == SUBMIT:
            text, is_error = self._submit_error or "The report was not accepted.", True
        elif key in self.seen_calls:
            text, is_error = "Refused: you already called this tool with these arguments; use that result.", True
        else:
            self.seen_calls.add(key)
            ctx.progress(f"investigate: {name}")
            out = call_tool(name, args, env)
            text, is_error = f"{out.invocation}\n{out.output}", out.status == "error"
        return {"type": "tool_result", "tool_use_id": block["id"], "content": self._redact(text), "is_error": is_error}

    _submit_error: str | None = None

    def _accept(self, block: dict[str, Any], state: AnalysisState) -> bool:
        """Validate a submitted report; on failure keep the error to send back as its tool_result."""
        data = dict(block.get("input") or {})
        for name in FILLED_BY_FIVEWHYS:
            data.pop(name, None)
        try:
            self.final = Report.model_validate({**data, "engine": {"name": "claude"}})
        except ValidationError as exc:
            problems = describe_validation(exc)
            self._submit_error = f"submit_report rejected, fix these fields and submit again: {problems}"
            return False  # every tool_use of the turn (this one included) stays pending and gets its result
        return True

    def _close_open_tool_calls(self, note: str) -> None:
        last = self.messages[-1] if self.messages else None
        if last is None or last["role"] != "assistant":
            return
        open_calls = [b for b in last["content"] if b.get("type") == "tool_use"]
        results: list[dict[str, Any]] = [
            {"type": "tool_result", "tool_use_id": b["id"], "is_error": True,
             "content": (self._submit_error or "The report was not accepted.") if b.get("name") == SUBMIT
             else "Not run: the investigation budget is spent."} for b in open_calls]
        self.messages.append({"role": "user", "content": [*results, {"type": "text", "text": note}]})

    def _budget_problem(self, state: AnalysisState) -> str | None:
        s, u = self.settings, self.usage
        if u.total_input >= s.max_input_tokens:
            return f"input-token budget spent ({u.total_input} of {s.max_input_tokens})"
        if u.output_tokens + MAX_TOKENS_PER_CALL > s.max_output_tokens + MAX_TOKENS_PER_CALL // 2 and u.calls:
            return f"output-token budget spent ({u.output_tokens} of {s.max_output_tokens})"
        if u.cost_usd(s.model) >= s.max_cost_usd:
            return f"cost budget spent (${u.cost_usd(s.model):.4f} of ${s.max_cost_usd:.2f})"
        if self._time_left() <= 0:
            return f"deadline of {s.deadline_s:g}s passed"
        return None

    def _time_left(self) -> float:
        return self.settings.deadline_s - (time.monotonic() - self.started)

    def _redact(self, text: str) -> str:
        return self.redactor.redact(text)

    @staticmethod
    def _marker(statement: str, pending: list[str], status: str = "open") -> HypothesisState:
        return HypothesisState(id="H1", statement=statement[:500], status=status, pending=pending)


def _client(settings: Settings) -> Any:
    import anthropic

    if not settings.api_key:
        raise EngineError("no ANTHROPIC_API_KEY")
    return anthropic.Anthropic(api_key=settings.api_key, base_url=settings.base_url, max_retries=0, timeout=60.0)


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200]
