"""Tests for the suites in grader/grading/suites: each mutant of the solutions loses exactly its tests, with its hint."""

from __future__ import annotations

import shutil
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from grader.course.config import Course
from grader.course.secret import CourseSecret
from grader.grading.inputs import PUBLIC_INPUTS, InputPlan
from grader.grading.redaction import scrub_numbers
from grader.results import PASSED, GradeResult, Inputs
from tests.conftest import OTHER_SECRETS, ROOT, SOLUTIONS, counted_inputs

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


# Each mutant is graded once, on one of four sets of inputs in turn: the public ones (what a student sees)
# and the instructor's under three secrets (what counts). A mutant that lost its tests only on the seeds one
# secret gives would be a suite that holds by luck.
INPUT_SETS: tuple[tuple[str, Callable[[], InputPlan]], ...] = (
    ("public", lambda: PUBLIC_INPUTS),
    ("instructor", counted_inputs),
    *((secret.origin, lambda secret=secret: InputPlan.instructor(secret)) for secret in OTHER_SECRETS),
)
CASES = [(mutant_id, INPUT_SETS[index % len(INPUT_SETS)]) for index, mutant_id in enumerate(sorted(MUTANTS))]


@pytest.mark.parametrize(("mutant_id", "input_set"), CASES, ids=[f"{mutant}-{inputs[0]}" for mutant, inputs in CASES])
def test_mutant_loses_exactly_its_tests(
    mutant_id: str,
    input_set: tuple[str, Callable[[], InputPlan]],
    tmp_path: Path,
    course: Course,
    grade_folder: Callable[..., GradeResult],
) -> None:
    """The mutant fails exactly the tests listed for it, passes all others of its module, and gets its hint."""
    mutant = MUTANTS[mutant_id]
    folder = tmp_path / "submission"
    shutil.copytree(SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(MUTANTS_DIR / mutant_id / f"{mutant['module']}.py", folder / f"{mutant['module']}.py")
    # Only the exercises of the changed module can change: the other modules are the reference,
    # whose full marks test_runner checks.
    exercise_ids = [exercise.id for exercise in course.exercises if exercise.module == mutant["module"]]
    result = grade_folder(folder, exercise_ids, input_set[1]())
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
        # On instructor inputs a hint keeps its words and loses its numbers (they could be the inputs').
        expected_hint = mutant["hint"] if input_set[0] == "public" else scrub_numbers(mutant["hint"])
        hints = " ".join(test.hint for _, test in result.tests).lower()
        assert expected_hint.lower() in hints, hints


@pytest.mark.parametrize("secret", OTHER_SECRETS, ids=[secret.origin for secret in OTHER_SECRETS])
def test_solutions_earn_full_marks_under_other_secrets(
    secret: CourseSecret, grade_folder: Callable[..., GradeResult]
) -> None:
    """The reference solutions earn every point on the instructor inputs of other secrets: no test holds by luck."""
    result = grade_folder(SOLUTIONS, None, InputPlan.instructor(secret))
    assert result.internal_errors == ()
    assert {test.inputs for _, test in result.tests} == {Inputs.INSTRUCTOR}
    failed = {f"{exercise.id}::{test.name}": test.detail for exercise, test in result.tests if test.status != PASSED}
    assert result.score == result.max_score, failed
