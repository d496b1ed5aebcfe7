"""Tests for grader/nbgrader/kernel.py and ahead.py: the test cells of one notebook share one warm sandbox and, under nbgrader, one grading."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from grader.course.config import Course
from grader.nbgrader import kernel as kernel_module
from grader.nbgrader.kernel import ENV_COURSE, KernelGrader
from grader.nbgrader.source_notebook import build_notebook
from grader.sandbox.isolation import BUBBLEWRAP, detect_isolation
from tests.conftest import ROOT, SOLUTIONS
from tests.pool_support import KILLER_PRELUDE, PoolKiller


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


def run_top_to_bottom(kernel: KernelGrader, notebook: dict[str, Any], stop_after: int | None = None) -> list[str]:
    """Each test cell's check, with the code cells above it as the kernel's history; the failures, in order."""
    history: list[str] = []
    failures = []
    tests_run = 0
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        history.append(source)
        meta = cell["metadata"]["nbgrader"]
        if meta.get("grade"):
            exercise_id, test_name = meta["grade_id"].split("-", 1)
            failure = kernel.failure(exercise_id, test_name, list(history))
            failures.append(failure or "")
            tests_run += 1
            if stop_after is not None and tests_run == stop_after:
                break
    return [failure for failure in failures if failure]


def test_under_nbgrader_the_first_test_cell_grades_the_notebook_ahead(
    course: Course, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The notebook the kernel runs is graded in two gradings, not one per exercise: square_loss, graded before
    training_step's cell ran, sees another version of linear_classifier.py (the assignment's notebook, to keep it small)."""
    monkeypatch.setenv(ENV_COURSE, str(ROOT / "course.toml"))
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    notebook = build_notebook(course.for_assignment("linear_classifier_by_hand"), SOLUTIONS, "by_hand.ipynb")
    (tmp_path / "by_hand.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    kernel = KernelGrader()
    try:
        assert run_top_to_bottom(kernel, notebook) == []
    finally:
        kernel.close()
    assert kernel.gradings == [("square_loss", "perceptron"), ("training_step",)]
    assert kernel.plan is not None and kernel.plan.path == tmp_path / "by_hand.ipynb"


def test_a_file_unlike_what_ran_or_a_spent_budget_grades_one_exercise_per_cell(
    course: Course, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The history is graded, never a notebook file that differs from it; past the budget no further exercise starts."""
    monkeypatch.setenv(ENV_COURSE, str(ROOT / "course.toml"))
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    notebook = build_notebook(course, SOLUTIONS, "keras_intro.ipynb")
    saved = json.loads(json.dumps(notebook))
    for cell in saved["cells"]:
        if cell["metadata"]["nbgrader"]["grade_id"] == "square_loss":
            assert "tf.reduce_mean(per_sample_losses)" in cell["source"]
            cell["source"] = cell["source"].replace("tf.reduce_mean(per_sample_losses)", "per_sample_losses")
    (tmp_path / "keras_intro.ipynb").write_text(json.dumps(saved), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    kernel = KernelGrader()
    try:
        assert run_top_to_bottom(kernel, notebook, stop_after=1) == []
        assert kernel.gradings == [("square_loss",)] and kernel.plan is None
    finally:
        kernel.close()

    (tmp_path / "keras_intro.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    monkeypatch.setattr(kernel_module, "AHEAD_BUDGET_S", 0.0)
    kernel = KernelGrader()
    try:
        tests_of_linear_classifier = sum(len(course.exercise(e).tests) for e in ("square_loss", "training_step"))
        assert run_top_to_bottom(kernel, notebook, stop_after=tests_of_linear_classifier) == []
        assert kernel.plan is not None
        assert kernel.gradings == [("square_loss",), ("training_step",)]
    finally:
        kernel.close()


def test_a_later_exercise_that_stops_the_sandbox_costs_the_first_cell_nothing(
    course: Course, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Grading ahead meets a split_validation that gets its warm sandbox killed twice: simple_dense's cells still pass,
    graded alone, and the kernel stops grading ahead (the keras assignment's notebook, to keep it small)."""
    if detect_isolation().name != BUBBLEWRAP:
        pytest.skip("the pool killer ends the pool's bwrap process: bubblewrap is not usable here")
    monkeypatch.setenv(ENV_COURSE, str(ROOT / "course.toml"))
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    notebook = build_notebook(course.for_assignment("keras"), SOLUTIONS, "keras.ipynb")
    killer = "".join(f"    {line}\n" for line in KILLER_PRELUDE.strip().splitlines())
    for cell in notebook["cells"]:
        if cell["metadata"]["nbgrader"]["grade_id"] == "split_validation":
            assert "def split_validation(" in cell["source"]
            cell["source"] = (
                cell["source"].replace("def split_validation(", "def split_validation_in_full(", 1)
                + f"\n\n\ndef split_validation(*args, **kwargs):\n{killer}    return split_validation_in_full(*args, **kwargs)\n"
            )
    (tmp_path / "keras.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    kernel = KernelGrader()
    try:
        with PoolKiller(times=2) as pool_killer:
            failures = run_top_to_bottom(kernel, notebook, stop_after=len(course.exercise("simple_dense").tests))
        assert pool_killer.kills == 2
        assert failures == []
        assert kernel.gradings == [("simple_dense",)] and kernel.plan is None
    finally:
        kernel.close()
