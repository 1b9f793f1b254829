"""Case 11: transfers time out only at traffic peaks, after the pool was capped at four connections."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import fixtures  # noqa: E402
from fixtures import Log, at, history  # noqa: E402

DB_V1 = '''package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Open connects the ledger's connection pool.
func Open(ctx context.Context, dsn string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = 40
	cfg.MaxConnIdleTime = 5 * time.Minute
	return pgxpool.NewWithConfig(ctx, cfg)
}
'''
DB_V2 = DB_V1.replace("cfg.MaxConns = 40", "cfg.MaxConns = 4 // 30 pods x 4 stays under the RDS limit of 150")

TRANSFERS = '''package api

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

func (s *Server) postTransfer(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		s.fail(w, "transfer failed", fmt.Errorf("acquire connection: %w", err))
		return
	}
	defer conn.Release()
	s.transfer(ctx, conn, w, r)
}
'''


def rate(minute: int) -> int:
    """Requests per 10 s: quiet morning, a lunch peak from 12:00 to 12:20, quiet again."""
    return 30 if 60 <= minute < 80 else 6


def build(dest: Path) -> None:
    history(dest, [
        ("Olu Adeyemi", "2026-04-01T10:00:00+00:00", "Ledger transfers API",
         {"go.mod": "module github.com/acme/ledger\n\ngo 1.22\n", "internal/store/db.go": DB_V1,
          "internal/api/transfers.go": TRANSFERS}),
        ("Mia Hoffmann", "2026-04-27T16:00:00+00:00", "Cap pool connections per pod to stay under the RDS limit",
         {"internal/store/db.go": DB_V2}),
        ("Olu Adeyemi", "2026-04-28T08:30:00+00:00", "Log transfer amounts in minor units",
         {"internal/api/transfers.go": TRANSFERS.replace("s.transfer(ctx", "s.transfer(ctx /* minor units */")}),
    ])
    log = Log()
    log.json(at("2026-04-28T09:00:00"), "info", "ledger 1.31.0 started", caller="cmd/ledger/main.go:41",
             version="1.31.0", max_conns=4)
    for minute in range(120):
        for k in range(rate(minute)):
            ts = at("2026-04-28T11:00:00") + (at("2026-04-28T11:01:00") - at("2026-04-28T11:00:00")) * minute \
                + (at("2026-04-28T11:00:01") - at("2026-04-28T11:00:00")) * (k * 60 // rate(minute))
            waiting = rate(minute) - 4
            if rate(minute) > 6 and k % 3 == 0:
                log.json(ts, "error", "transfer failed", caller="api/transfers.go:14",
                         error="acquire connection: context deadline exceeded", pool_total=4, pool_in_use=4,
                         pool_waiting=waiting)
            else:
                log.json(ts, "info", "POST /transfers 201", caller="api/server.go:77", ms=40 + (k * 13) % 90)
    log.save(dest, "logs/ledger.jsonl")


if __name__ == "__main__":
    fixtures.cli(build)
