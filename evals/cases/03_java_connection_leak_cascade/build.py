"""Case 03: payments times out on the Hikari pool; the earlier leak warnings point at the settlement export."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import fixtures  # noqa: E402
from fixtures import Log, at, history, line_of  # noqa: E402

PKG = "src/main/java/com/acme/payments"

EXPORTER_V1 = '''package com.acme.payments.export;

import java.io.Writer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import javax.sql.DataSource;

public class SettlementExporter {
    private final DataSource dataSource;

    public SettlementExporter(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Writes the day's settlements as CSV. */
    public void exportDay(LocalDate day, Writer out) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement(SQL)) {
            st.setObject(1, day);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.write(CsvRow.of(rs));
                }
            }
        }
    }

    static final String SQL = "select * from settlements where settled_on = ? order by id";
}
'''

EXPORTER_V2 = '''package com.acme.payments.export;

import java.io.Writer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import javax.sql.DataSource;

public class SettlementExporter {
    private final DataSource dataSource;

    public SettlementExporter(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Streams the day's settlements as CSV, straight from the cursor. */
    public void exportDay(LocalDate day, Writer out) throws Exception {
        Connection c = dataSource.getConnection();
        c.setAutoCommit(false);
        PreparedStatement st = c.prepareStatement(SQL);
        st.setFetchSize(500);
        st.setObject(1, day);
        ResultSet rs = st.executeQuery();
        while (rs.next()) {
            out.write(CsvRow.of(rs));
        }
        out.flush();
    }

    static final String SQL = "select * from settlements where settled_on = ? order by id";
}
'''

CONTROLLER_V1 = '''package com.acme.payments.api;

import com.acme.payments.core.AuthorizationService;
import org.springframework.web.bind.annotation.*;

@RestController
@RequestMapping("/v1/payments")
public class PaymentController {
    private final AuthorizationService authorizations;

    public PaymentController(AuthorizationService authorizations) {
        this.authorizations = authorizations;
    }

    @PostMapping("/authorize")
    public AuthorizationResult authorize(@RequestBody AuthorizationRequest request) {
        return authorizations.authorize(request);
    }
}
'''

CONTROLLER_V2 = CONTROLLER_V1.replace("    @PostMapping", "    /** Idempotent: a repeated request id returns the first result. */\n    @PostMapping")

SERVICE = '''package com.acme.payments.core;

import java.sql.Connection;
import javax.sql.DataSource;

public class AuthorizationService {
    private final DataSource dataSource;
    private final Ledger ledger;

    public AuthorizationService(DataSource dataSource, Ledger ledger) {
        this.dataSource = dataSource;
        this.ledger = ledger;
    }

    public AuthorizationResult authorize(AuthorizationRequest request) {
        try (Connection c = dataSource.getConnection()) {
            return ledger.reserve(c, request);
        } catch (java.sql.SQLException e) {
            throw new PaymentUnavailableException("database unavailable", e);
        }
    }
}
'''

CONFIG = '''spring:
  datasource:
    url: jdbc:postgresql://payments-db:5432/payments
    hikari:
      maximum-pool-size: 10
      connection-timeout: 30000
      leak-detection-threshold: 60000
'''


def leak_trace() -> str:
    return (
        "java.lang.Exception: Apparent connection leak detected\n"
        "\tat com.zaxxer.hikari.HikariDataSource.getConnection(HikariDataSource.java:128)\n"
        f"\tat com.acme.payments.export.SettlementExporter.exportDay(SettlementExporter.java:"
        f"{line_of(EXPORTER_V2, 'dataSource.getConnection()')})\n"
        "\tat com.acme.payments.export.ExportJob.run(ExportJob.java:44)\n"
        "\tat java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1144)"
    )


def timeout_trace() -> str:
    return (
        "java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out "
        "after 30000ms (total=10, active=10, idle=0, waiting=23)\n"
        "\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:686)\n"
        "\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:179)\n"
        "\tat com.zaxxer.hikari.HikariDataSource.getConnection(HikariDataSource.java:128)\n"
        f"\tat com.acme.payments.core.AuthorizationService.authorize(AuthorizationService.java:"
        f"{line_of(SERVICE, 'dataSource.getConnection()')})\n"
        f"\tat com.acme.payments.api.PaymentController.authorize(PaymentController.java:"
        f"{line_of(CONTROLLER_V2, 'authorizations.authorize(request)')})\n"
        "\tat java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)"
    )


def build(dest: Path) -> None:
    repo = history(dest, [
        ("Hana Suzuki", "2026-01-12T10:00:00+00:00", "Payments service with settlement export",
         {f"{PKG}/export/SettlementExporter.java": EXPORTER_V1, f"{PKG}/api/PaymentController.java": CONTROLLER_V1,
          f"{PKG}/core/AuthorizationService.java": SERVICE, "src/main/resources/application.yml": CONFIG}),
        ("Tomasz Nowak", "2026-02-16T15:00:00+00:00", "Stream the settlement export straight from the cursor",
         {f"{PKG}/export/SettlementExporter.java": EXPORTER_V2}),
        ("Hana Suzuki", "2026-02-17T09:30:00+00:00", "Document idempotency of authorize",
         {f"{PKG}/api/PaymentController.java": CONTROLLER_V2}),
    ])
    repo.tag("v4.12.0", "2026-02-17T10:00:00+00:00")
    log = Log()
    log.text(at("2026-02-18T06:00:11"), "INFO", "main", "com.acme.payments.PaymentsApplication - Started "
             "PaymentsApplication in 7.9 seconds (version 4.12.0)")
    for n in range(150):
        ts = at("2026-02-18T08:00:00") + (at("2026-02-18T08:00:30") - at("2026-02-18T08:00:00")) * n
        if ts < at("2026-02-18T08:52:00"):
            log.text(ts, "INFO", f"http-nio-8080-exec-{n % 8 + 1}",
                     f"c.a.p.api.PaymentController - POST /v1/payments/authorize 200 {30 + n % 17}ms")
        else:
            log.text(ts, "ERROR", f"http-nio-8080-exec-{n % 8 + 1}",
                     "c.a.p.api.PaymentController - POST /v1/payments/authorize failed\n" + timeout_trace())
    for k in range(10):  # one leaked connection per export run, every five minutes from 08:05
        ts = at("2026-02-18T08:06:00") + (at("2026-02-18T08:11:00") - at("2026-02-18T08:06:00")) * k
        log.text(ts - (at("2026-02-18T08:01:00") - at("2026-02-18T08:00:00")), "INFO", f"export-worker-{k % 4 + 1}",
                 "c.a.p.export.ExportJob - settlement export for 2026-02-17 finished (18211 rows)")
        log.text(ts, "WARN", "HikariPool-1 housekeeper",
                 "com.zaxxer.hikari.pool.ProxyLeakTask - Connection leak detection triggered for "
                 f"org.postgresql.jdbc.PgConnection@5d1f7a{k:02d} on thread export-worker-{k % 4 + 1}, stack trace "
                 "follows\n" + leak_trace())
    log.save(dest, "logs/payments.log")


if __name__ == "__main__":
    fixtures.cli(build)
