"""The report-at-scale benchmark, as a smoke test: on 70 students it prints its table and finds the planted copy."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_benchmark_prints_seconds_pss_and_the_planted_copy() -> None:
    """`benchmarks/report_scale.py --students 70 --baseline-students 0` prints a row with the planted copy first."""
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "report_scale.py"), "--students", "70",
                           "--baseline-students", "0"], capture_output=True, text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    row = next(line for line in done.stdout.splitlines() if line.startswith("new (index)"))
    assert row.split()[2] == "70" and "(the planted copy)" in row
