"""Case 15: the yearly revenue job dies on December rows; Months.indexOf became 1-based."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import fixtures  # noqa: E402
from fixtures import Log, at, history, line_of  # noqa: E402

PKG = "src/main/java/com/acme/reports"

MONTHS_V1 = '''package com.acme.reports;

import java.util.Calendar;
import java.util.Date;

/** Month arithmetic for the revenue reports. */
public final class Months {
    private Months() {}

    /** 0-based month index (January = 0) of a date. */
    public static int indexOf(Date date) {
        Calendar calendar = Calendar.getInstance();
        calendar.setTime(date);
        return calendar.get(Calendar.MONTH);
    }
}
'''

MONTHS_V2 = '''package com.acme.reports;

import java.time.LocalDate;

/** Month arithmetic for the revenue reports. */
public final class Months {
    private Months() {}

    /** Month index of a date. */
    public static int indexOf(LocalDate date) {
        return date.getMonthValue();
    }
}
'''

REVENUE_V1 = '''package com.acme.reports;

import java.math.BigDecimal;
import java.util.Date;

/** Revenue per month of one year. */
public final class MonthlyRevenue {
    private final BigDecimal[] totals = new BigDecimal[12];

    public MonthlyRevenue() {
        java.util.Arrays.fill(totals, BigDecimal.ZERO);
    }

    public void add(Date bookedOn, BigDecimal amount) {
        int month = Months.indexOf(bookedOn);
        totals[month] = totals[month].add(amount);
    }

    public BigDecimal total(int month) {
        return totals[month];
    }
}
'''
REVENUE_V2 = REVENUE_V1.replace("import java.util.Date;", "import java.time.LocalDate;").replace(
    "add(Date bookedOn", "add(LocalDate bookedOn")

JOB = '''package com.acme.reports;

import java.sql.ResultSet;

public final class RevenueReportJob implements Runnable {
    private final Bookings bookings;
    private final ReportStore store;

    public RevenueReportJob(Bookings bookings, ReportStore store) {
        this.bookings = bookings;
        this.store = store;
    }

    @Override
    public void run() {
        MonthlyRevenue revenue = new MonthlyRevenue();
        for (Booking b : bookings.ofYear(2026)) {
            revenue.add(b.bookedOn(), b.amount());
        }
        store.save(revenue);
    }
}
'''


def trace() -> str:
    return (
        "java.lang.ArrayIndexOutOfBoundsException: Index 12 out of bounds for length 12\n"
        f"\tat com.acme.reports.MonthlyRevenue.add(MonthlyRevenue.java:{line_of(REVENUE_V2, 'totals[month] = ')})\n"
        f"\tat com.acme.reports.RevenueReportJob.run(RevenueReportJob.java:{line_of(JOB, 'revenue.add(')})\n"
        "\tat java.base/java.util.concurrent.Executors$RunnableAdapter.call(Executors.java:572)\n"
        "\tat java.base/java.util.concurrent.FutureTask.runAndReset(FutureTask.java:358)\n"
        "\tat java.base/java.util.concurrent.ScheduledThreadPoolExecutor$ScheduledFutureTask.run("
        "ScheduledThreadPoolExecutor.java:305)\n"
        "\tat java.base/java.lang.Thread.run(Thread.java:1583)"
    )


def build(dest: Path) -> None:
    history(dest, [
        ("Ingrid Solberg", "2026-03-03T10:00:00+00:00", "Yearly revenue report job",
         {f"{PKG}/Months.java": MONTHS_V1, f"{PKG}/MonthlyRevenue.java": REVENUE_V1, f"{PKG}/RevenueReportJob.java": JOB}),
        ("Kwame Boateng", "2026-11-24T10:20:00+00:00", "Use java.time month values in Months.indexOf",
         {f"{PKG}/Months.java": MONTHS_V2, f"{PKG}/MonthlyRevenue.java": REVENUE_V2}),
        ("Ingrid Solberg", "2026-11-30T16:00:00+00:00", "Save the revenue report before notifying finance",
         {f"{PKG}/RevenueReportJob.java": JOB.replace("        store.save(revenue);\n",
                                                       "        store.save(revenue); // before the e-mail\n")}),
    ])
    log = Log()
    log.text(at("2026-12-31T23:00:00"), "INFO", "scheduler", "c.a.reports.RevenueReportJob - starting yearly revenue "
             "report 2026 (48211 bookings)")
    log.text(at("2026-12-31T23:00:09"), "ERROR", "scheduler", "c.a.reports.RevenueReportJob - report failed\n" + trace())
    log.save(dest, "logs/report-job.log")


if __name__ == "__main__":
    fixtures.cli(build)
