"""Tests for grader/nbgrader/kernel.py: the test cells of one notebook share one warm sandbox."""

from __future__ import annotations

from typing import Any

import pytest

from grader.course.config import Course
from grader.nbgrader.kernel import ENV_COURSE, KernelGrader
from grader.nbgrader.notebook import build_notebook
from tests.conftest import ROOT, SOLUTIONS


def code_cells(notebook: dict[str, Any]) -> dict[str, str]:
    """Every code cell's source, by its nbgrader grade_id, in the notebook's order."""
    cells = {}
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            source = cell["source"]
            cells[cell["metadata"]["nbgrader"]["grade_id"]] = source if isinstance(source, str) else "".join(source)
    return cells


def test_test_cells_share_one_warm_sandbox_and_regrade_changed_code(
    course: Course, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two exercises graded by one pool started once; a changed solution cell is graded again; the pool ends with the kernel."""
    monkeypatch.setenv(ENV_COURSE, str(ROOT / "course.toml"))
    cells = code_cells(build_notebook(course, SOLUTIONS, "keras_intro.ipynb"))
    history = list(cells.values())
    kernel = KernelGrader()
    try:
        for exercise_id in ("square_loss", "split_validation"):
            test = course.exercise(exercise_id).tests[0].name
            assert kernel.failure(exercise_id, test, history) is None
        pool = kernel.pool
        assert pool is not None and pool.alive and pool.starts == 1
        solution = cells["square_loss"]
        assert "tf.reduce_mean(per_sample_losses)" in solution
        rerun = solution.replace("tf.reduce_mean(per_sample_losses)", "tf.reduce_sum(per_sample_losses)")
        changed = [rerun if source == solution else source for source in history]
        failure = kernel.failure("square_loss", "matches_reference_vector", changed)
        assert failure is not None and "square_loss" in failure
        assert pool.starts == 1, "the changed cell was graded in the same warm pool"
    finally:
        kernel.close()
    assert not pool.alive
