"""intake node: settle the incident's time window against the logs' own dates."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from langgraph.runtime import Runtime

from ...errors import InputError
from ...evidence import logs
from ...intake import as_utc
from ..state import AnalysisState, RunContext


def intake(state: AnalysisState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """Resolve "since 11:27" to a date from the logs, and "last 2h" to a window ending at the newest record."""
    runtime.context.progress("intake: reading the incident")
    inc = state.incident.model_copy()
    if inc.since_time and inc.since is None and inc.log_paths:
        inc.since = logs.resolve_time_of_day(inc.since_time, inc.log_paths)
    if inc.until_time and inc.until is None and inc.log_paths:
        inc.until = logs.resolve_time_of_day(inc.until_time, inc.log_paths)
    inc.since = as_utc(inc.since) if inc.since else None
    inc.until = as_utc(inc.until) if inc.until else None
    if inc.lookback and inc.since is None:
        end = inc.until or _newest_record(inc.log_paths) or datetime.now(timezone.utc)
        inc.since = as_utc(end) - inc.lookback
    if inc.since and inc.until and inc.until < inc.since:
        if not (inc.since_time and inc.until_time):
            raise InputError(f"the window ends ({inc.until.isoformat()}) before it starts ({inc.since.isoformat()})")
        inc.until = inc.until + timedelta(days=1)  # "between 23:50 and 00:10"
    return {"incident": inc}


def _newest_record(paths: list[Any]) -> datetime | None:
    stats = logs.stats(paths) if paths else None
    return stats.last_timestamp if stats else None
