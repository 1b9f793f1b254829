"""`fivewhys mcp`: the evidence tools over the Model Context Protocol (stdio), for any coding agent.

Tools: ``analyze`` (free text -> report JSON), ``extract_frames`` and the evidence tools of
``fivewhys.tools`` (``search_logs``, ``log_templates``, ``log_stats``, ``log_timeline``, ``git_log``,
``git_blame``, ``git_show``,
``read_source``, ``search_code``, ``git_suspects``) with the same pydantic input models. The sandbox
is fixed at start-up: one repository and the log paths given on the command line, read-only, output
capped, and every result passes the redactor (one Redactor per server, so placeholders are stable).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .config import Settings
from .errors import FivewhysError

SERVER_NAME = "fivewhys"


class Analyze(BaseModel):
    """Investigate an incident (error message, stack trace, sentence naming log files) and return the report JSON."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)
    text: str = Field(min_length=1, max_length=200_000)
    """What the user has: the error, the trace, the symptom and the time ("since 11:27")."""


class ExtractFrames(BaseModel):
    """Parse the stack traces in a text (any language) into exceptions and frames."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)
    text: str = Field(min_length=1, max_length=2_000_000)


@dataclass
class Sandbox:
    """What the server may read: one repo and the logs named at start-up."""

    repo: Path | None
    logs: list[Path] = field(default_factory=list)

    def allows(self, path: Path) -> bool:
        resolved = path.resolve()
        if resolved in {p.resolve() for p in self.logs}:
            return True
        return self.repo is not None and resolved.is_relative_to(self.repo.resolve())


class FivewhysMCP:
    """The tool logic, transport-free (the stdio server below and tests both drive it)."""

    def __init__(self, sandbox: Sandbox, settings: Settings) -> None:
        from .evidence.git import Git
        from .evidence.source import RepoIndex
        from .graph.state import EvidenceBook
        from .redact import RedactOptions, Redactor
        from .tools import ToolEnv

        self.sandbox, self.settings = sandbox, settings
        git = Git(sandbox.repo) if sandbox.repo else None
        index = RepoIndex(sandbox.repo, git.tracked_files()) if git and sandbox.repo else None
        self.env = ToolEnv(book=EvidenceBook([], sandbox.repo), git=git, index=index, log_paths=list(sandbox.logs))
        self.redactor = Redactor(RedactOptions.from_settings(settings)) if settings.redact else None

    def tool_specs(self) -> list[tuple[str, str, dict[str, Any]]]:
        """(name, description, input JSON Schema) for every tool."""
        from .tools import TOOLS

        specs = [("analyze", _doc(Analyze), _schema(Analyze)), ("extract_frames", _doc(ExtractFrames),
                                                                  _schema(ExtractFrames))]
        specs += [(t.name, t.description, t.input_schema()) for t in TOOLS.values()]
        return specs

    def call(self, name: str, arguments: dict[str, Any]) -> tuple[str, bool]:
        """Run a tool: (text result, is_error). Never raises for bad input."""
        try:
            text, is_error = self._dispatch(name, arguments)
        except FivewhysError as exc:
            text, is_error = f"error: {exc}", True
        except Exception as exc:  # noqa: BLE001 - a tool call must come back as a result, never kill the server
            text, is_error = f"internal error: {type(exc).__name__}: {exc}", True
        return (self.redactor.redact(text) if self.redactor else text), is_error

    def _dispatch(self, name: str, arguments: dict[str, Any]) -> tuple[str, bool]:
        from pydantic import ValidationError

        from .tools import call_tool

        if name == "analyze":
            try:
                return self._analyze(Analyze.model_validate(arguments).text), False
            except ValidationError as exc:
                return f"invalid arguments: {exc.errors()[0]['msg']}", True
        if name == "extract_frames":
            from .evidence import stacktrace

            try:
                text = ExtractFrames.model_validate(arguments).text
            except ValidationError as exc:
                return f"invalid arguments: {exc.errors()[0]['msg']}", True
            return json.dumps(stacktrace.to_corpus_json(stacktrace.extract(text))), False
        out = call_tool(name, arguments, self.env)
        return f"{out.invocation}\n{out.output}", out.status == "error"

    def _analyze(self, text: str) -> str:
        from .analysis import analyze
        from .intake import named_paths, parse_incident

        cwd = self.sandbox.repo or Path.cwd()
        # Refuse before touching anything: whether a file outside the sandbox exists is itself a leak.
        outside_named = [p for p in named_paths(text, cwd) if p.suffix and not self.sandbox.allows(p)]
        if outside_named:
            raise FivewhysError(f"refused: {outside_named[0]} is outside the sandbox (the repo and the logs given at "
                                "start-up)")
        incident = parse_incident(text, cwd=cwd, logs=list(self.sandbox.logs), repo=self.sandbox.repo)
        outside = [p for p in incident.log_paths + incident.result_paths + incident.source_paths
                   if not self.sandbox.allows(p)]
        if outside:
            raise FivewhysError(f"refused: {outside[0]} is outside the sandbox (the repo and the logs given at start-up)")
        report = analyze(incident, self.settings)
        return report.model_dump_json(indent=1)


def _doc(model: type[BaseModel]) -> str:
    return (model.__doc__ or "").strip()


def _schema(model: type[BaseModel]) -> dict[str, Any]:
    schema = model.model_json_schema()
    schema.pop("title", None)
    schema.pop("description", None)
    return schema


def serve_stdio(sandbox: Sandbox, settings: Settings) -> None:
    """Serve the tools over stdio until the client closes the connection."""
    import anyio
    import mcp_types as types
    from mcp.server.lowlevel import Server
    from mcp.server.stdio import stdio_server

    logic = FivewhysMCP(sandbox, settings)

    async def list_tools(_ctx: Any, _params: Any) -> types.ListToolsResult:
        return types.ListToolsResult(tools=[types.Tool(name=n, description=d, input_schema=s)
                                            for n, d, s in logic.tool_specs()])

    async def call_tool(_ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        text, is_error = await anyio.to_thread.run_sync(logic.call, params.name, dict(params.arguments or {}))
        return types.CallToolResult(content=[types.TextContent(type="text", text=text)], is_error=is_error)

    from . import __version__

    server: Server[Any] = Server(SERVER_NAME, version=__version__, on_list_tools=list_tools, on_call_tool=call_tool)

    async def main() -> None:
        async with stdio_server() as (read, write):
            await server.run(read, write, server.create_initialization_options())

    anyio.run(main)
