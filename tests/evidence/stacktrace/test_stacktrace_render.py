"""The rich rendering of a trace: chain links, app frames marked, brackets printed verbatim."""

from __future__ import annotations

import io

from rich.console import Console

from fivewhys.evidence.stacktrace import ParsedTrace, extract
from fivewhys.evidence.stacktrace.render import render_trace

JAVA = """\
java.lang.IllegalStateException: checkout failed
\tat com.shop.Cart.pay(Cart.java:41)
\tat org.springframework.web.Handler.invoke(Handler.java:99)
Caused by: java.sql.SQLException: [db] timeout
\tat com.shop.Repo.save(Repo.java:12)
\t... 1 more
"""


def _render(trace: ParsedTrace, color: bool = False) -> str:
    out = io.StringIO()
    render_trace(trace, Console(file=out, width=100, force_terminal=color, color_system="standard" if color else None))
    return out.getvalue()


def test_exceptions_links_and_frames_in_order() -> None:
    text = _render(extract(JAVA))
    lines = [ln.rstrip() for ln in text.splitlines() if ln.strip()]
    assert lines[0].startswith("#0 java.lang.IllegalStateException: checkout failed") and "caused by #1" in lines[0]
    assert lines[1] == "  > com.shop.Cart.pay  Cart.java:41"
    assert lines[2] == "    org.springframework.web.Handler.invoke  Handler.java:99"
    assert lines[3].startswith("#1 java.sql.SQLException: [db] timeout")  # brackets are not markup
    assert "... 1 more, from the enclosing trace:" in text
    assert lines[-1] == "    org.springframework.web.Handler.invoke  Handler.java:99"


def test_app_frames_are_highlighted_library_frames_dimmed() -> None:
    text = _render(extract(JAVA), color=True)
    app_line = next(ln for ln in text.splitlines() if "Cart.pay" in ln)
    lib_line = next(ln for ln in text.splitlines() if "Handler.invoke" in ln)
    assert "\x1b[1;33m" in app_line  # bold yellow
    assert "\x1b[2m" in lib_line and "\x1b[1;33m" not in lib_line  # dim


def test_empty_trace_says_so() -> None:
    assert _render(ParsedTrace()).strip() == "no stack trace found"
