"""The speed benchmark, as a smoke test: one small assignment, one submission, every figure printed (no timing asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

PHASES = {"phase_fits", "phase_loops", "phase_other_calls", "phase_starts", "phase_pytest", "phase_parent"}
COUNTS = {"calls_per_grading", "fits_per_grading", "loops_per_grading", "starts_per_grading"}
FIGURES = {
    "warm_reference", "floor", "solutions_work", "work_over_floor", "class_work", *PHASES, *COUNTS,
    "public_work", "instructor_cost", "per_student_cost", "batch_wall", "batch_efficiency", "throughput",
    "batch_peak_pss", "import_tensorflow", "check", "nbgrader_ours", "nbgrader_plain",
}  # fmt: skip
# The targets: each printed with its figure, and judged only where it applies (the whole chapter).
TARGETED = {
    "work_over_floor",
    "instructor_cost",
    "batch_wall",
    "throughput",
    "batch_peak_pss",
    "check",
    "nbgrader_ours",
}
NOT_MEASURED = {"nbgrader_ours", "nbgrader_plain"}


def test_benchmark_prints_every_figure_with_its_command_and_target(tmp_path: Path) -> None:
    """`speed.py --assignment tensors_and_gradients --submissions 1` prints every figure with its command and target."""
    readme = tmp_path / "README.md"
    readme.write_text("# Title\n\n<!-- speed-table:begin -->\nold table\n<!-- speed-table:end -->\n\nAfter.\n")
    out = tmp_path / "figures.json"
    completed = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "speed.py"),
            "--assignment",
            "tensors_and_gradients",
            "--submissions",
            "1",
            "--jobs",
            "1",
            "--runs",
            "1",
            "--no-nbgrader",
            "--max-load",
            "1000",
            "--json",
            str(out),
            "--markdown",
            str(readme),
        ],  # fmt: skip
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    assert "other processes used" in completed.stdout
    figures = {figure["key"]: figure for figure in json.loads(out.read_text())["figures"]}
    assert set(figures) == FIGURES
    lines = completed.stdout.splitlines()
    for key, figure in figures.items():
        line = next(line for line in lines if line.startswith(figure["label"]))
        assert f"$ {figure['command']}" in line, line
        assert (figure["value"] is None) == (key in NOT_MEASURED), figure
        assert bool(figure["target"]) == (key in TARGETED), figure
        assert figure["target"] in line
        # One assignment, one submission: no whole-chapter target is judged, and each figure says why.
        assert figure["met"] is None and (not figure["target"] or figure["note"]), figure
    assert figures["calls_per_grading"]["value"] > 0 and figures["fits_per_grading"]["value"] == 0
    text = readme.read_text()
    assert "old table" not in text and text.startswith("# Title\n") and text.endswith("After.\n")
    assert all(figure["command"] in text for figure in figures.values())
