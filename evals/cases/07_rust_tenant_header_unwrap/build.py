"""Case 07: the ingest workers panic on batches from old agents that send no X-Tenant-Id header."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import fixtures  # noqa: E402
from fixtures import Log, at, history, line_of  # noqa: E402

HEADERS_V1 = '''use axum::http::HeaderMap;

use crate::tenants::TenantId;

/// The tenant of a batch: every agent authenticates with a per-tenant token.
pub fn tenant_id(headers: &HeaderMap, token_tenant: TenantId) -> TenantId {
    let _ = headers;
    token_tenant
}
'''

HEADERS_V2 = '''use axum::http::HeaderMap;

use crate::tenants::TenantId;

/// The tenant of a batch, from the X-Tenant-Id header agents send since 2.4.
pub fn tenant_id(headers: &HeaderMap, token_tenant: TenantId) -> TenantId {
    let _ = token_tenant;
    let raw = headers.get("x-tenant-id").and_then(|v| v.to_str().ok());
    TenantId::parse(raw.unwrap()).expect("tenant ids are validated by the gateway")
}
'''

HANDLER = '''use axum::{extract::State, http::HeaderMap, Json};

use crate::ingest::headers::tenant_id;
use crate::{auth::Token, model::Batch, AppState};

pub async fn ingest_batch(State(app): State<AppState>, token: Token, headers: HeaderMap, Json(batch): Json<Batch>) {
    let tenant = tenant_id(&headers, token.tenant());
    app.store.append(tenant, batch).await;
}
'''


def panic() -> str:
    line = line_of(HEADERS_V2, "raw.unwrap()")
    return (
        f"thread 'tokio-runtime-worker' panicked at src/ingest/headers.rs:{line}:20:\n"
        "called `Option::unwrap()` on a `None` value\n"
        "stack backtrace:\n"
        "   0: rust_begin_unwind\n"
        "             at /rustc/129f3b9964af4d4a709d1383930ade12dfe7c081/library/std/src/panicking.rs:652:5\n"
        "   1: core::panicking::panic_fmt\n"
        "             at /rustc/129f3b9964af4d4a709d1383930ade12dfe7c081/library/core/src/panicking.rs:72:14\n"
        "   2: core::panicking::panic\n"
        "             at /rustc/129f3b9964af4d4a709d1383930ade12dfe7c081/library/core/src/panicking.rs:146:5\n"
        "   3: core::option::unwrap_failed\n"
        "             at /rustc/129f3b9964af4d4a709d1383930ade12dfe7c081/library/core/src/option.rs:1985:5\n"
        "   4: ingest::ingest::headers::tenant_id\n"
        f"             at ./src/ingest/headers.rs:{line}:20\n"
        "   5: ingest::ingest::handler::ingest_batch::{{closure}}\n"
        f"             at ./src/ingest/handler.rs:{line_of(HANDLER, 'tenant_id(&headers')}:18\n"
        "note: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace."
    )


def build(dest: Path) -> None:
    history(dest, [
        ("Mateo Rossi", "2026-08-03T10:00:00+00:00", "Ingest service: batches per tenant",
         {"Cargo.toml": '[package]\nname = "ingest"\nversion = "0.9.0"\nedition = "2021"\n',
          "src/ingest/headers.rs": HEADERS_V1, "src/ingest/handler.rs": HANDLER}),
        ("Aiko Tanaka", "2026-09-17T16:20:00+00:00", "Read the tenant from the X-Tenant-Id header",
         {"src/ingest/headers.rs": HEADERS_V2}),
        ("Mateo Rossi", "2026-09-18T09:30:00+00:00", "Release 0.10.0",
         {"Cargo.toml": '[package]\nname = "ingest"\nversion = "0.10.0"\nedition = "2021"\n'}),
    ])
    log = Log()
    log.json(at("2026-09-18T10:00:05"), "INFO", "ingest 0.10.0 listening on 0.0.0.0:8080", target="ingest",
             version="0.10.0")
    for n in range(90):
        ts = at("2026-09-18T09:45:00") + (at("2026-09-18T09:45:20") - at("2026-09-18T09:45:00")) * n
        agent = "2.3.1" if n % 5 == 0 else "2.4.0"
        if ts > at("2026-09-18T10:00:05") and agent == "2.3.1":
            log.json(ts, "ERROR", panic(), target="panic", agent_version=agent)
        else:
            log.json(ts, "INFO", "batch stored", target="ingest::handler", agent_version=agent, events=120 + n % 40)
    log.save(dest, "logs/ingest.jsonl")


if __name__ == "__main__":
    fixtures.cli(build)
