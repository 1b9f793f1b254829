"""The claude engine's conversation, continued: follow-up questions that may call every tool.

``ChatClaude`` is the claude engine (``reasoners.claude.ClaudeReasoner``) plus ``ask``: after the
analysis, the same conversation goes on — same system prompt, same tools, same redactor, same budgets —
so the model still has the brief and every tool result it saw. Answers are plain text; a
``submit_report`` call in the chat is answered with an error asking for text instead.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from ..reasoners.claude import SUBMIT, ClaudeReasoner
from ..reasoners.pricing import Usage

if TYPE_CHECKING:
    from ..graph.state import AnalysisState, RunContext
    from ..tools import ToolEnv

MAX_TOOL_ROUNDS = 5
"""Tool-call rounds one follow-up may take before its answer is cut short."""


class ChatClaude(ClaudeReasoner):
    """The claude engine, able to continue its conversation with follow-up questions."""

    def ask(self, question: str, state: AnalysisState, env: ToolEnv, ctx: RunContext) -> str:
        """Send a follow-up; run the tools the model asks for; return its text answer.

        Raises:
            EngineError: the API stayed unavailable or a budget is spent (the conversation is left as
                it was before the question, so the next one can go on).
            KeyboardInterrupt: the user cancelled; the conversation is left as it was, too.
        """
        from ..errors import EngineError

        mark = len(self.messages)
        self.started = time.monotonic()  # the deadline bounds one question, not the whole session
        try:
            self._add_user([{"type": "text", "text": self._redact(question)}])
            texts: list[str] = []
            for _ in range(MAX_TOOL_ROUNDS):
                problem = self._budget_problem(state)
                if problem is not None:
                    raise EngineError(problem)
                content = self._call(force_submit=False)
                texts += [b["text"].strip() for b in content if b["type"] == "text" and b["text"].strip()]
                calls = [b for b in content if b["type"] == "tool_use"]
                if not calls:
                    return "\n\n".join(texts) or "(no answer)"
                self._add_user([self._chat_tool(b, env, ctx) for b in calls])
            return "\n\n".join([*texts, f"(stopped after {MAX_TOOL_ROUNDS} rounds of tool calls)"])
        except BaseException:
            del self.messages[mark:]
            raise

    def _chat_tool(self, block: dict[str, Any], env: ToolEnv, ctx: RunContext) -> dict[str, Any]:
        if block["name"] == SUBMIT:
            return {"type": "tool_result", "tool_use_id": block["id"], "is_error": True,
                    "content": "The report is already written; answer the question in plain text."}
        return self._run_tool(block, env, ctx)

    def _add_user(self, blocks: list[dict[str, Any]]) -> None:
        """Append a user turn, answering tool calls the last assistant turn left open (the final
        submit_report) so the conversation stays valid."""
        last = self.messages[-1] if self.messages else None
        if last is not None and last["role"] == "assistant":
            answered = {b.get("tool_use_id") for b in blocks}
            open_calls = [b for b in last["content"] if b.get("type") == "tool_use" and b["id"] not in answered]
            closing = [{"type": "tool_result", "tool_use_id": b["id"], "content": "Received."} for b in open_calls]
            self.messages.append({"role": "user", "content": [*closing, *blocks]})
        elif last is not None:
            last["content"] = [*last["content"], *blocks]  # two user turns in a row become one
        else:
            self.messages.append({"role": "user", "content": blocks})

    # ---------------------------------------------------------------- persistence
    def snapshot(self) -> dict[str, Any]:
        """What a resumed session needs: the conversation (already redacted) and the tokens spent."""
        u = self.usage
        return {"conversation": self.messages, "usage": [u.input_tokens, u.output_tokens, u.cache_write_tokens,
                                                         u.cache_read_tokens, u.calls]}

    def restore(self, extra: dict[str, Any]) -> None:
        self.messages = list(extra.get("conversation", []))
        if extra.get("usage"):
            self.usage = Usage(*extra["usage"])
