"""Tests for the suites in grader/grading/suites: each mutant of the solutions loses exactly its tests, with its hint."""

from __future__ import annotations

import shutil
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from grader.course.config import Course
from grader.results import PASSED, GradeResult
from tests.conftest import ROOT, SOLUTIONS

MUTANTS_DIR = ROOT / "tests" / "mutants"
MUTANTS = tomllib.loads((MUTANTS_DIR / "mutants.toml").read_text())["mutants"]


def test_there_are_at_least_20_mutants_covering_every_exercise(course: Course) -> None:
    """The mutant set is large enough and every exercise has some, each listing real tests."""
    assert len(MUTANTS) >= 20
    known = {f"{exercise.id}::{test.name}" for exercise in course.exercises for test in exercise.tests}
    for mutant_id, mutant in MUTANTS.items():
        assert (MUTANTS_DIR / mutant_id / f"{mutant['module']}.py").is_file(), mutant_id
        assert mutant["fails"] and set(mutant["fails"]) <= known, (mutant_id, set(mutant["fails"]) - known)
    touched = {name.split("::")[0] for mutant in MUTANTS.values() for name in mutant["fails"]}
    assert touched == {exercise.id for exercise in course.exercises}


@pytest.mark.parametrize("mutant_id", sorted(MUTANTS))
def test_mutant_loses_exactly_its_tests(
    mutant_id: str, tmp_path: Path, course: Course, grade_folder: Callable[..., GradeResult]
) -> None:
    """The mutant fails exactly the tests listed for it, passes all others of its module, and gets its hint."""
    mutant = MUTANTS[mutant_id]
    folder = tmp_path / "submission"
    shutil.copytree(SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(MUTANTS_DIR / mutant_id / f"{mutant['module']}.py", folder / f"{mutant['module']}.py")
    # Only the exercises of the changed module can change: the other modules are the reference,
    # whose full marks test_runner checks.
    exercise_ids = [exercise.id for exercise in course.exercises if exercise.module == mutant["module"]]
    result = grade_folder(folder, exercise_ids)
    assert result.internal_errors == ()
    failed = {f"{exercise.id}::{test.name}" for exercise, test in result.tests if test.status != PASSED}
    expected = {name for name in mutant["fails"] if name.split("::")[0] in exercise_ids}
    assert failed == expected, {"unexpected failures": failed - expected, "unexpected passes": expected - failed}
    lost = sum(test.max_score for _, test in result.tests if test.status != PASSED)
    assert result.score == result.max_score - lost
    for exercise, test in result.tests:
        if test.status != PASSED:
            assert test.message, (exercise.id, test.name)
    if "hint" in mutant:
        hints = " ".join(test.hint for _, test in result.tests).lower()
        assert mutant["hint"].lower() in hints, hints
