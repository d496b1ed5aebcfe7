"""The speed benchmark, as a smoke test: on 4 submissions it produces every figure (no timing asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

FIGURES = {
    "floor", "ideal_batch", "batch_wall", "batch_per_submission", "batch_efficiency", "batch_peak_pss",
    "warm_per_submission", "ideal_batch_work", "batch_efficiency_work",
    "anchor_per_student", "anchor_ratio", "ours_autograde", "ours_check", "ours_ratio",
    "import_tensorflow", "release_check",
}  # fmt: skip
TARGETED = {
    "batch_efficiency",
    "batch_efficiency_work",
    "batch_peak_pss",
    "anchor_ratio",
    "ours_ratio",
    "release_check",
}


def test_benchmark_produces_every_figure_with_its_command(tmp_path: Path) -> None:
    """`benchmarks/speed.py --submissions 4` prints and writes every figure: positive, with a command and, where set, a target."""
    readme = tmp_path / "README.md"
    readme.write_text("# Title\n\n<!-- speed-table:begin -->\nold table\n<!-- speed-table:end -->\n\nAfter.\n")
    out = tmp_path / "figures.json"
    completed = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "speed.py"),
            "--submissions",
            "4",
            "--anchor-students",
            "2",
            "--repeats",
            "1",
            "--json",
            str(out),
            "--markdown",
            str(readme),
        ],  # fmt: skip
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    figures = {figure["key"]: figure for figure in json.loads(out.read_text())["figures"]}
    assert set(figures) == FIGURES
    for key, figure in figures.items():
        assert figure["value"] > 0, figure
        assert figure["command"], figure
        assert (figure["met"] is not None) == (key in TARGETED), figure
        assert figure["label"] in completed.stdout
    text = readme.read_text()
    assert "old table" not in text and text.startswith("# Title\n") and text.endswith("After.\n")
    assert all(figure["command"] in text for figure in figures.values())
