"""A local server that speaks the Anthropic Messages API over real HTTP, scripted per test.

Not a model: each POST /v1/messages is answered by the next entry of a script (a fixed reply, or a
function of the request body), so tests drive the real anthropic SDK through exact conversations:
tool calls, a submit_report, error bodies with retry-after headers. Every request (headers and parsed
body) is kept for assertions. When the script runs out the server answers 500, which a test sees.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_ids = itertools.count(1)


@dataclass
class Reply:
    status: int = 200
    body: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


Step = Reply | Callable[[dict[str, Any]], Reply]


def text(t: str) -> dict[str, Any]:
    return {"type": "text", "text": t}


def tool_use(name: str, args: dict[str, Any]) -> dict[str, Any]:
    return {"type": "tool_use", "id": f"toolu_{next(_ids):04d}", "name": name, "input": args}


def message(*content: dict[str, Any], input_tokens: int = 1200, output_tokens: int = 150,
            cache_write: int = 0, cache_read: int = 0) -> Reply:
    stop = "tool_use" if any(c["type"] == "tool_use" for c in content) else "end_turn"
    return Reply(body={
        "id": f"msg_{next(_ids):04d}", "type": "message", "role": "assistant", "model": "scripted",
        "content": list(content), "stop_reason": stop, "stop_sequence": None,
        "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens,
                  "cache_creation_input_tokens": cache_write, "cache_read_input_tokens": cache_read},
    })


def error(status: int, kind: str, msg: str, retry_after: str | None = None) -> Reply:
    headers = {"retry-after": retry_after} if retry_after is not None else {}
    return Reply(status=status, body={"type": "error", "error": {"type": kind, "message": msg}}, headers=headers)


class _QuietServer(ThreadingHTTPServer):
    """A client that hangs up mid-reply (a cancelled request) is expected, not an error to print."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class MessagesServer:
    """Start with ``with MessagesServer(script) as srv:``; point the SDK at ``srv.url``."""

    def __init__(self, script: list[Step]) -> None:
        self.script = list(script)
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.raw_bodies: list[bytes] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("content-length", "0"))
                raw = self.rfile.read(length)
                with server._lock:
                    server.raw_bodies.append(raw)
                    server.headers.append({k.lower(): v for k, v in self.headers.items()})
                    body = json.loads(raw or b"{}")
                    server.requests.append(body)
                    step = server.script.pop(0) if server.script else error(500, "api_error", "script exhausted")
                reply = step(body) if callable(step) else step
                if self.path.split("?")[0] != "/v1/messages":
                    reply = error(404, "not_found_error", f"no route {self.path}")
                payload = json.dumps(reply.body).encode()
                self.send_response(reply.status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.send_header("request-id", f"req_{next(_ids):04d}")
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self._httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> MessagesServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


def draft(evidence: list[str], *, file: str = "app/pricing.py", line: int = 18, inconclusive: bool = False,
          statement: str = "get_price returns None for SKUs missing from the cache; total multiplies it.") -> dict[str, Any]:
    return {
        "title": "TypeError in total: get_price returns None for uncached SKUs",
        "inconclusive": inconclusive,
        "classification": {"severity": "high", "type": "runtime", "observability": "intermittent",
                           "fingerprint": "scripted"},
        "summary": {"what": "POST /checkout fails with TypeError", "impact": "a third of checkouts fail",
                    "occurrences": 26},
        "root_cause": {"statement": statement, "confidence": 0.9,
                       "location": {"file": file, "line": line, "function": "get_price"},
                       "five_whys": ["Why 500? TypeError.", "Why TypeError? price is None."], "evidence": evidence},
        "immediate_fix": {"summary": "Fall back to the catalog on a cache miss.", "steps": ["Change get_price."]},
        "testing_strategy": ["Test an uncached SKU."], "preventive_measures": ["Type Optional returns."],
        "monitoring": [{"signal": "TypeError rate", "query": "error.type=TypeError", "alert": "> 0 after deploy"}],
        "runbook": ["Roll back v1.4.0."], "suspects": [], "hypotheses": [],
    }


def ids_in_last_tool_results(body: dict[str, Any]) -> list[str]:
    blocks = body["messages"][-1]["content"]
    found = [re.findall(r"\[(E\d+)\]", b["content"]) for b in blocks if b.get("type") == "tool_result"]
    return [i for group in found for i in group]
