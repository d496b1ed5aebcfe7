"""Tests for grader/grading/solutions_verdict.py: the solutions' full-marks verdict is graded once per course state."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.course.config import Course, load_course
from grader.errors import ConfigError
from grader.grading.inputs import PUBLIC_INPUTS
from grader.grading.reference import Reference
from grader.grading.reference_cache import ReferenceCache
from grader.grading.solutions_verdict import grade_solutions
from grader.results import GradeResult
from tests.conftest import ROOT, SOLUTIONS

EXERCISE = ["square_loss"]


def instructor_course(tmp_path: Path) -> Course:
    """course.toml and a copy of the solutions in a folder of their own, with a cache folder of its own."""
    shutil.copy(ROOT / "course.toml", tmp_path / "course.toml")
    shutil.copytree(SOLUTIONS, tmp_path / "solutions", ignore=shutil.ignore_patterns("__pycache__"))
    return load_course(tmp_path / "course.toml")


def graded(course: Course, cache: Path) -> tuple[Reference, tuple[GradeResult, bool]]:
    """One `grade_solutions` of square_loss with a new reference reading `cache`, as each command makes one."""
    solutions = course.path.parent / "solutions"
    reference = Reference(course, solutions, cache=ReferenceCache(cache, "digest-of-this-test"))
    try:
        outcome = grade_solutions(course, solutions, reference, exercise_ids=EXERCISE, inputs=PUBLIC_INPUTS)
    finally:
        reference.close()
    return reference, outcome


def test_a_full_marks_verdict_is_reused_with_the_answers_it_used(tmp_path: Path) -> None:
    """The second grading of unchanged solutions is read back: same result, same recorded answers, no sandbox."""
    course = instructor_course(tmp_path)
    first_reference, (first, first_cached) = graded(course, tmp_path / "cache")
    second_reference, (second, second_cached) = graded(course, tmp_path / "cache")
    assert (first_cached, second_cached) == (False, True)
    assert second == first
    assert second_reference.recorded.keys() == first_reference.recorded.keys() != set()
    assert second_reference.sandboxes_started == 0
    assert len(list((tmp_path / "cache").glob("verdict-*.json"))) == 1


def test_a_changed_solution_a_damaged_verdict_or_a_lost_answer_grades_again(tmp_path: Path) -> None:
    """Any change to what the verdict depends on, or a verdict that cannot be used, means a new grading."""
    course = instructor_course(tmp_path)
    cache = tmp_path / "cache"
    graded(course, cache)
    module = course.path.parent / "solutions" / "linear_classifier.py"
    module.write_text(module.read_text() + "\n# A comment the instructor added.\n")
    _, (_, cached) = graded(course, cache)
    assert cached is False, "an edited solution module must be graded again"
    for verdict in cache.glob("verdict-*.json"):
        verdict.write_text('{"format": 1, "key": "', encoding="utf-8")
    _, (_, cached) = graded(course, cache)
    assert cached is False, "a damaged verdict must be ignored"
    for answers in cache.glob("*.json"):
        if not answers.name.startswith("verdict-"):
            answers.unlink()
    _, (_, cached) = graded(course, cache)
    assert cached is False, "a verdict whose answers the reference cache lost must be graded again"


def test_solutions_that_lose_a_point_are_refused_and_never_cached(tmp_path: Path) -> None:
    """A solution that returns every loss instead of their mean fails `grade_solutions` every time, with the failing test named, and writes no verdict."""
    course = instructor_course(tmp_path)
    module = course.path.parent / "solutions" / "linear_classifier.py"
    assert "return tf.reduce_mean(per_sample_losses)" in module.read_text(), "the reference changed: update this test"
    module.write_text(
        module.read_text().replace("return tf.reduce_mean(per_sample_losses)", "return per_sample_losses", 1)
    )
    for _ in range(2):
        with pytest.raises(ConfigError, match="square_loss::"):
            graded(course, tmp_path / "cache")
    assert not list((tmp_path / "cache").glob("verdict-*.json"))
