"""Parse + group + summarise a generated 100,000-testcase JUnit file; print seconds and peak memory.

    .venv/bin/python bench/bench_ci.py      (goal: under 3 s, under 300 MB)
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "ci"))

from ci_samples import big_junit  # noqa: E402

from fivewhys.ci import summary  # noqa: E402
from fivewhys.ci.run import CiOptions, run_ci  # noqa: E402
from fivewhys.redact import Redactor  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = big_junit(Path(tmp) / "big.xml", causes=400)
        size = path.stat().st_size
        start = time.perf_counter()
        redactor = Redactor()
        report = run_ci(CiOptions(paths=[str(path)]), redactor.redact)
        text = summary.render(report, redactor.redact)
        seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"file: {size / 1e6:.1f} MB, {report.totals.tests} tests, {report.totals.failed} failed, "
          f"{len(report.groups)} groups, summary {len(text.encode()) / 1024:.0f} KiB")
    print(f"parse+group+summarise: {seconds:.2f} s; peak RSS {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
