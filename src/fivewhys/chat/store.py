"""Where chat sessions live: one SQLite file under the user's state dir.

The file holds two things side by side:

- the graph's own checkpoints (``langgraph-checkpoint-sqlite``): the full ``AnalysisState`` after every
  node of every analysis run, so a crash mid-run loses only the node that was running, and a resumed
  session gets back exactly the evidence and hypotheses it had;
- the chat's records (tables ``chat_sessions`` and ``chat_transcript``): what was typed, what was
  shown, and the little state the graph does not hold (redaction switch, the claude conversation).

Every write commits at once: a line is stored before or as it is shown.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

DB_NAME = "chat.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS chat_sessions (
    id TEXT PRIMARY KEY, created TEXT NOT NULL, updated TEXT NOT NULL, title TEXT NOT NULL DEFAULT '',
    inputs TEXT NOT NULL, extra TEXT NOT NULL DEFAULT '{}');
CREATE TABLE IF NOT EXISTS chat_transcript (
    session_id TEXT NOT NULL, seq INTEGER NOT NULL, at TEXT NOT NULL, role TEXT NOT NULL, text TEXT NOT NULL,
    PRIMARY KEY (session_id, seq));
"""


def state_dir(env: Mapping[str, str] | None = None) -> Path:
    """``$FIVEWHYS_STATE_DIR``, else ``$XDG_STATE_HOME/fivewhys``, else ``~/.local/state/fivewhys``."""
    env = os.environ if env is None else env
    if env.get("FIVEWHYS_STATE_DIR"):
        return Path(env["FIVEWHYS_STATE_DIR"]).expanduser()
    base = env.get("XDG_STATE_HOME") or str(Path(env.get("HOME") or Path.home()) / ".local" / "state")
    return Path(base).expanduser() / "fivewhys"


@dataclass(frozen=True)
class SessionRow:
    """One stored session, as ``--list`` shows it."""

    id: str
    created: str
    updated: str
    title: str
    inputs: dict[str, Any]
    extra: dict[str, Any]
    turns: int


@dataclass(frozen=True)
class Line:
    """One transcript line: ``role`` is ``user`` (typed) or ``fivewhys`` (shown)."""

    role: str
    text: str
    at: str


class Store:
    """The chat's SQLite file; open one per process."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = folder / DB_NAME
        fresh = not self.path.exists()
        self.conn = sqlite3.connect(self.path, isolation_level=None)
        self._saver_conn: sqlite3.Connection | None = None
        if fresh:
            os.chmod(self.path, 0o600)  # transcripts and logs excerpts are the user's business
        self.conn.executescript(_SCHEMA)

    def close(self) -> None:
        self.conn.close()
        if self._saver_conn is not None:
            self._saver_conn.close()

    def checkpointer(self) -> Any:
        """The graph's SQLite checkpointer on this file, allowed to load exactly the state's own types."""
        from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
        from langgraph.checkpoint.sqlite import SqliteSaver

        serde = JsonPlusSerializer(allowed_msgpack_modules=state_types())
        # its own connection: langgraph may write checkpoints from a worker thread, and one sqlite3
        # connection shared across threads without a common lock mixes up result rows
        if self._saver_conn is None:
            self._saver_conn = sqlite3.connect(self.path, check_same_thread=False)
        return SqliteSaver(self._saver_conn, serde=serde)

    # ---------------------------------------------------------------- sessions
    def create(self, inputs: Mapping[str, Any]) -> str:
        """A new session id (sortable by time, short enough to type) and its row."""
        now = _now()
        sid = datetime.now().strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(2)
        self.conn.execute("INSERT INTO chat_sessions (id, created, updated, inputs) VALUES (?, ?, ?, ?)",
                          (sid, now, now, json.dumps(dict(inputs))))
        return sid

    def update(self, sid: str, *, title: str | None = None, extra: Mapping[str, Any] | None = None) -> None:
        if title is not None:
            self.conn.execute("UPDATE chat_sessions SET title = ?, updated = ? WHERE id = ?", (title, _now(), sid))
        if extra is not None:
            self.conn.execute("UPDATE chat_sessions SET extra = ?, updated = ? WHERE id = ?",
                              (json.dumps(dict(extra)), _now(), sid))

    def get(self, sid: str) -> SessionRow | None:
        rows = self._rows("WHERE s.id = ?", (sid,))
        return rows[0] if rows else None

    def latest(self) -> SessionRow | None:
        rows = self.sessions(limit=1)
        return rows[0] if rows else None

    def sessions(self, limit: int = 50) -> list[SessionRow]:
        """Newest first."""
        return self._rows(f"ORDER BY s.updated DESC, s.id DESC LIMIT {int(limit)}", ())

    def _rows(self, tail: str, params: tuple[Any, ...]) -> list[SessionRow]:
        sql = ("SELECT s.id, s.created, s.updated, s.title, s.inputs, s.extra, "
               "(SELECT COUNT(*) FROM chat_transcript t WHERE t.session_id = s.id AND t.role = 'user') "
               f"FROM chat_sessions s {tail}")
        return [SessionRow(r[0], r[1], r[2], r[3], json.loads(r[4]), json.loads(r[5]), r[6])
                for r in self.conn.execute(sql, params)]

    # ---------------------------------------------------------------- transcript
    def append(self, sid: str, role: str, text: str) -> None:
        """Store one line now (autocommit): a crash after this loses nothing of it."""
        self.conn.execute(
            "INSERT INTO chat_transcript (session_id, seq, at, role, text) VALUES "
            "(?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM chat_transcript WHERE session_id = ?), ?, ?, ?)",
            (sid, sid, _now(), role, text))
        self.conn.execute("UPDATE chat_sessions SET updated = ? WHERE id = ?", (_now(), sid))

    def transcript(self, sid: str) -> list[Line]:
        rows = self.conn.execute("SELECT role, text, at FROM chat_transcript WHERE session_id = ? ORDER BY seq",
                                 (sid,))
        return [Line(r[0], r[1], r[2]) for r in rows]


def state_types() -> list[tuple[str, str]]:
    """The pydantic classes stored in the graph state (the checkpointer refuses any other on load)."""
    from pydantic import BaseModel

    from ..graph.state import AnalysisState

    found: list[tuple[str, str]] = []
    for field in AnalysisState.model_fields.values():
        for cls in _classes(field.annotation):
            if issubclass(cls, BaseModel) and (cls.__module__, cls.__name__) not in found:
                found.append((cls.__module__, cls.__name__))
    return found


def _classes(annotation: Any) -> list[type]:
    from typing import get_args

    if isinstance(annotation, type) and not get_args(annotation):
        return [annotation]
    return [c for arg in get_args(annotation) for c in _classes(arg)]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
