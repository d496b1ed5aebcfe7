"""The real nbgrader cycle: generate_assignment, autograde, validate, and `grade batch` on the same notebooks.

One cycle per test run (tests/nbgrader_support.py), shared by the xdist workers through files
and locks in the run's temporary folder: one worker prepares the course; then the
autograde track and the other doors' track each run once, side by side when two workers
need the cycle at the same time, one after the other otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from grader.course.config import Course
from tests.nbgrader_support import WRONG_EXERCISE, autograde, doors, merge, prepare
from tests.shared_work import once, shared_folder

STEPS: dict[str, Callable[[Path], dict[str, Any]]] = {"autograde": autograde, "doors": doors}


@pytest.fixture(scope="session")
def cycle(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The cycle's results, each step run once per test run whatever the number of workers."""
    folder = shared_folder(tmp_path_factory, "nbgrader-cycle")
    parts = {"prepare": once(folder, "prepare", prepare)}
    for name, step in STEPS.items():  # First the steps no other worker is running...
        parts[name] = once(folder, name, step, wait=False)
    for name, step in STEPS.items():  # ...then wait for the others.
        parts[name] = parts[name] or once(folder, name, step)
    data = merge(*(part for part in parts.values() if part is not None))
    print("\n".join(f"{name}: {seconds} s" for name, seconds in data["times"].items()))
    return data


def by_exercise(course: Course, cells: dict[str, float]) -> dict[str, float]:
    """nbgrader's points per grade cell, summed per exercise (grade_id <exercise>-<test>)."""
    return {
        e.id: sum(score for name, score in cells.items() if name.split("-", 1)[0] == e.id) for e in course.exercises
    }


def test_reference_scores_full_marks_in_nbgrader_gradebook(cycle: dict[str, Any], course: Course) -> None:
    """The reference typed into the released notebook scores full marks in gradebook.db, one cell per test."""
    cells = cycle["nbgrader"]["reference"]
    assert len(cells) == sum(len(e.tests) for e in course.exercises)
    assert sum(cells.values()) == course.max_score


def test_released_notebook_unchanged_scores_zero(cycle: dict[str, Any]) -> None:
    """The released notebook submitted as it is scores 0, and its feedback says "not implemented yet"."""
    assert sum(cycle["nbgrader"]["unchanged"].values()) == 0
    errors = [o for outputs in cycle["outputs"]["unchanged"].values() for o in outputs if o["output_type"] == "error"]
    assert errors and all("not implemented yet" in o["evalue"] or "hidden test" in o["evalue"] for o in errors)


def test_one_wrong_exercise_loses_only_its_points(cycle: dict[str, Any], course: Course) -> None:
    """One exercise wrong loses points of that exercise only; its failing cells show the hint."""
    scores = by_exercise(course, cycle["nbgrader"]["one_wrong"])
    for exercise in course.exercises:
        if exercise.id == WRONG_EXERCISE:
            assert scores[exercise.id] < exercise.max_score
        else:
            assert scores[exercise.id] == exercise.max_score, exercise.id
    failed = [
        o["evalue"]
        for name, outputs in cycle["outputs"]["one_wrong"].items()
        for o in outputs
        if o["output_type"] == "error"
    ]
    assert failed and all(text.startswith(f"{WRONG_EXERCISE}: ") and "hint: " in text for text in failed)


def test_test_cells_print_nothing_when_they_pass(cycle: dict[str, Any]) -> None:
    """Under autograde, a passing test cell has no output at all (nbgrader fails any stderr)."""
    outputs = cycle["outputs"]["reference"]
    assert {name: cells for name, cells in outputs.items() if cells} == {}


def test_validate_passes_on_reference_and_fails_on_unchanged(cycle: dict[str, Any]) -> None:
    """`nbgrader validate` passes the reference notebook and fails the released one."""
    assert "Success! Your notebook passes all the tests." in cycle["validate"]["reference"]
    assert "VALIDATION FAILED" in cycle["validate"]["unchanged"]


def test_grade_batch_gives_the_same_points_per_exercise(cycle: dict[str, Any], course: Course) -> None:
    """`grade batch` on nbgrader's submitted/ folder gives every student nbgrader's points per exercise."""
    assert set(cycle["batch"]) == {"reference", "unchanged", "one_wrong"}
    for student, result in cycle["batch"].items():
        batch = {exercise["id"]: exercise["score"] for exercise in result["exercises"]}
        assert batch == by_exercise(course, cycle["nbgrader"][student]), student


def test_grade_check_of_the_notebook_matches_autograde(cycle: dict[str, Any], course: Course) -> None:
    """`grade check NOTEBOOK.ipynb` gives the reference notebook full marks, timed next to autograde."""
    assert cycle["check"]["score"] == cycle["check"]["max_score"] == course.max_score
    times = cycle["times"]
    assert times["nbgrader autograde reference"] > 0 and times["grade check reference"] > 0


def test_release_ships_the_students_course_without_hidden_tests(cycle: dict[str, Any], course: Course) -> None:
    """release/ holds the notebook, course.toml without hidden tests and the public expected values, no solution."""
    from grader.course.config import load_course

    release = Path(cycle["course_dir"]) / "release" / "keras-intro"
    students = load_course(release / "course.toml")
    assert students.max_score == course.without_hidden_tests().max_score < course.max_score
    assert (release / ".grader" / "expected.json").stat().st_size > 0
    assert sorted(p.name for p in release.iterdir()) == [".grader", "course.toml", "keras_intro.ipynb"]
    assert "tf.reduce_mean" not in (release / "keras_intro.ipynb").read_text()
