"""A chat session: one investigation that runs the analysis graph, keeps its state and runs tools on it.

The analysis runs through the same graph as ``fivewhys analyze`` (``graph.build``), with the store's
SQLite checkpointer attached, so the full ``AnalysisState`` is saved after every node. Each run is one
checkpointer thread (``<session id>/<run number>``); the session remembers which thread is current.
Evidence that chat commands find is appended to that thread's state the same way (``update_state``),
so ``/evidence E12`` works after ``--resume`` too.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from ..config import Settings
from ..graph.state import AnalysisState, EvidenceBook
from ..intake import Incident
from ..report.model import Report
from .store import Store

if TYPE_CHECKING:
    from ..graph.state import RunContext
    from ..tools import ToolOutput
    from .followup import ChatClaude

Progress = Callable[[str], None]


class ChatInputs(BaseModel):
    """What the session was started with (``fivewhys chat`` arguments), enough to build it again."""

    text: str = ""
    cwd: str
    logs: list[str] = Field(default_factory=list)
    repo: str | None = None
    since: str | None = None
    until: str | None = None
    offline: bool = False
    model: str | None = None


class Session:
    """One investigation: its inputs, the current analysis state, the transcript, the engine."""

    def __init__(self, store: Store, sid: str, inputs: ChatInputs, extra: dict[str, Any]) -> None:
        self.store, self.id, self.inputs = store, sid, inputs
        self.settings = Settings.build({"repo": Path(inputs.repo) if inputs.repo else None, "model": inputs.model,
                                        "engine": "offline" if inputs.offline else None})
        self.text: str = extra.get("text", inputs.text)
        """The incident text: what was given, plus evidence added in the chat."""
        self.thread: str | None = extra.get("thread")
        self.runs: int = extra.get("runs", 0)
        self.redact: bool = extra.get("redact", self.settings.redact)
        """Redact what this terminal shows and what /report writes (what Claude sees is always redacted)."""
        self.why_shown: int = extra.get("why_shown", 0)
        self.fallback: str | None = extra.get("fallback")
        self.cost_before: float = extra.get("cost_before", 0.0)
        """Dollars spent by earlier claude runs of this session (each run is a fresh conversation)."""
        self.state: AnalysisState | None = None
        self.claude: ChatClaude | None = self._claude(extra) if self.settings.resolved_engine == "claude" else None
        self._graph: Any = None
        self._redactor: Any = None

    # ---------------------------------------------------------------- lifecycle
    @classmethod
    def start(cls, store: Store, inputs: ChatInputs) -> Session:
        """A new session (nothing runs yet: call ``analyze``)."""
        sid = store.create(inputs.model_dump())
        return cls(store, sid, inputs, {})

    @classmethod
    def resume(cls, store: Store, sid: str) -> Session:
        """A stored session with its last analysis state (call ``finish_interrupted`` if it was cut short)."""
        row = store.get(sid)
        if row is None:
            from ..errors import InputError

            raise InputError(f"no chat session {sid!r} (fivewhys chat --list shows them)")
        session = cls(store, sid, ChatInputs.model_validate(row.inputs), row.extra)
        session.state = session._load()
        return session

    @property
    def engine(self) -> str:
        return "claude" if self.claude is not None else "offline"

    @property
    def interrupted(self) -> bool:
        """The current run stopped before its report (Ctrl-C or a crash)."""
        return self.thread is not None and bool(self._snapshot().next)

    def save(self) -> None:
        """Persist what the graph state does not hold."""
        extra: dict[str, Any] = {"text": self.text, "thread": self.thread, "runs": self.runs, "redact": self.redact,
                                 "why_shown": self.why_shown, "fallback": self.fallback,
                                 "cost_before": self.cost_before}
        if self.claude is not None:
            extra.update(self.claude.snapshot())
        title = self.state.report.title if self.state is not None and self.state.report is not None else None
        self.store.update(self.id, title=title, extra=extra)

    def record(self, role: str, text: str) -> None:
        """Add a transcript line (stored at once)."""
        self.store.append(self.id, role, text)

    # ---------------------------------------------------------------- the analysis
    def analyze(self, progress: Progress) -> Report:
        """Run the analysis on ``self.text``; on Ctrl-C the previous state stays current."""
        from ..errors import EngineError

        previous, self.runs = self.thread, self.runs + 1
        self.thread, self.fallback, self.why_shown = f"{self.id}/{self.runs}", None, 0
        if self.claude is not None and self.claude.usage.calls:
            self.cost_before += self.claude.usage.cost_usd(self.settings.model)
            self.claude = self._claude({})  # a new analysis is a new conversation, with its own budget
        self.save()
        incident = self.incident()
        try:
            try:
                self.state = self._stream(AnalysisState(incident=incident, warnings=list(incident.warnings)),
                                          incident, self.claude, progress)
            except EngineError as exc:
                self.state = self._fall_back(incident, str(exc), progress)
        except KeyboardInterrupt:
            if previous is not None:  # a cancelled re-run: keep what we had
                self.thread = previous
            self.save()
            raise
        self.save()
        return self.report_or_raise()

    def finish_interrupted(self, progress: Progress) -> Report:
        """Continue a run that stopped mid-graph from its last checkpoint."""
        self.state = self._stream(None, self.incident(), self.claude, progress)
        self.save()
        return self.report_or_raise()

    def incident(self) -> Incident:
        return build_incident(self.inputs, self.text)

    def _stream(self, start: AnalysisState | None, incident: Incident, reasoner: Any, progress: Progress) -> AnalysisState:
        graph = self.graph()
        ctx = _context(incident, self.settings, reasoner or _offline(self.settings), progress)
        config = self._config()
        for update in graph.stream(start, context=ctx, config=config, stream_mode="updates", durability="sync"):
            for node in update:
                progress(f"done: {node}")
        return self._load_required()

    def _fall_back(self, incident: Incident, reason: str, progress: Progress) -> AnalysisState:
        """The claude engine stopped: the offline engine writes the report on a fresh thread, as analyze() does."""
        progress("falling back to the offline engine")
        self.fallback = f"claude engine stopped: {reason}; the offline engine wrote this report"
        self.thread = f"{self.id}/{self.runs}-offline"
        state = self._stream(AnalysisState(incident=incident, warnings=list(incident.warnings)), incident, None,
                             progress)
        assert state.report is not None
        engine = state.report.engine.model_copy(update={"fallback_reason": self.fallback})
        return self._update({"report": state.report.model_copy(update={"engine": engine})})

    # ---------------------------------------------------------------- what the commands read
    @property
    def report(self) -> Report | None:
        """The current report as this terminal shows it (redacted unless /redact off)."""
        if self.state is None or self.state.report is None:
            return None
        if not self.redact:
            return self.state.report
        from ..analysis import redact_report

        return redact_report(self.state.report, self.settings)

    def report_or_raise(self) -> Report:
        report = self.report
        if report is None:
            from ..errors import InputError

            raise InputError("no report yet: the analysis did not finish (/rerun runs it again)")
        return report

    def shown(self, text: str) -> str:
        """Text as this terminal may show it."""
        if not self.redact:
            return text
        if self._redactor is None:
            from ..redact import RedactOptions, Redactor

            # one per session: the same secret keeps the same placeholder
            self._redactor = Redactor(RedactOptions.from_settings(self.settings))
        result: str = self._redactor.redact(text)
        return result

    def tool(self, name: str, arguments: dict[str, Any]) -> ToolOutput:
        """Run an evidence tool on this incident; what it finds joins the state's evidence."""
        from ..tools import call_tool

        env, book = self.tool_env()
        out = call_tool(name, arguments, env)
        self.keep_evidence(book)
        return out

    def tool_env(self) -> tuple[Any, EvidenceBook]:
        """A ToolEnv over the current state (the repo, its index, the incident's logs)."""
        from ..evidence.git import Git
        from ..evidence.source import RepoIndex
        from ..tools import ToolEnv

        state = self.require_state()
        repo = state.incident.repo
        git = Git(repo) if repo is not None else None
        index = RepoIndex(repo, git.tracked_files()) if git is not None and repo is not None else None
        book = EvidenceBook.for_state(state)
        return ToolEnv(book=book, git=git, index=index, log_paths=list(state.incident.log_paths)), book

    def keep_evidence(self, book: EvidenceBook) -> None:
        if book.added:
            self.state = self._update({"evidence": book.items})

    def require_state(self) -> AnalysisState:
        if self.state is None:
            from ..errors import InputError

            raise InputError("no analysis yet (/rerun runs it)")
        return self.state

    def ask_claude(self, question: str, progress: Progress) -> str:
        """A follow-up question to the claude engine, which may call every tool."""
        assert self.claude is not None
        state = self.require_state()
        env, book = self.tool_env()
        ctx = _context(state.incident, self.settings, self.claude, progress)
        try:
            answer = self.claude.ask(question, state, env, ctx)
        finally:
            self.keep_evidence(book)
            self.save()
        return answer

    # ---------------------------------------------------------------- checkpointer plumbing
    def graph(self) -> Any:
        if self._graph is None:
            from ..graph.build import build_graph

            compiled = build_graph(self.settings.max_iterations)
            self._graph = compiled.copy(update={"checkpointer": self.store.checkpointer()})
        return self._graph

    def _config(self) -> dict[str, Any]:
        return {"configurable": {"thread_id": self.thread}, "recursion_limit": 2 * self.settings.max_iterations + 12}

    def _snapshot(self) -> Any:
        return self.graph().get_state(self._config())

    def _load(self) -> AnalysisState | None:
        if self.thread is None:
            return None
        values = self._snapshot().values
        return AnalysisState.model_validate(values) if values else None

    def _load_required(self) -> AnalysisState:
        state = self._load()
        assert state is not None, "the graph ran but its checkpoint is empty"
        return state

    def _update(self, values: dict[str, Any]) -> AnalysisState:
        self.graph().update_state(self._config(), values, as_node="report")
        return self._load_required()

    def _claude(self, extra: dict[str, Any]) -> ChatClaude | None:
        from .followup import ChatClaude

        claude = ChatClaude(self.settings)
        claude.restore(extra)
        return claude


def build_incident(inputs: ChatInputs, text: str) -> Incident:
    """The Incident for a text, with the session's flags; raises InputError for unusable input."""
    from ..intake import apply_window
    from ..intake import parse_incident

    incident = parse_incident(text, cwd=Path(inputs.cwd), logs=[Path(p) for p in inputs.logs],
                              repo=Path(inputs.repo) if inputs.repo else None)
    apply_window(incident, inputs.since, inputs.until)
    return incident


def _context(incident: Incident, settings: Settings, reasoner: Any, progress: Progress) -> RunContext:
    from ..analysis import run_context

    return run_context(incident, settings, reasoner, progress)


def _offline(settings: Settings) -> Any:
    from ..analysis import offline_reasoner

    return offline_reasoner(settings)
