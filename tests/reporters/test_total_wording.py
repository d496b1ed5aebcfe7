"""Tests for grader/reporters/text.py's total: over assignments that scale their points, it says it is raw points."""

from __future__ import annotations

from typing import Any

from grader.reporters.text import render_text
from grader.results import PASSED, ExerciseResult, GradeResult, TestResult


def result_with(assignments: list[dict[str, Any]]) -> GradeResult:
    """A passed exercise of 28 points, with these graded assignments."""
    tests = (TestResult(name="matches_reference", status=PASSED, score=28, max_score=28),)
    return GradeResult(
        course_id="c",
        course_version="1",
        exercises=(ExerciseResult(id="scale", title="Scale", tests=tests),),
        environment={},
        isolation="test",
        extra={"assignments": assignments},
    )


def test_a_total_over_scaled_assignments_says_it_is_raw_points() -> None:
    """28/28 raw points under an assignment graded 100/100: the total says "raw", the grade line follows."""
    scaled = {"name": "a", "title": "A", "points": 28, "max_points": 28, "grade": 100.0, "max_grade": 100}
    text = render_text(result_with([scaled]), width=100)
    assert "Total: 28/28 points (raw, every test; each assignment's grade out of 100 is below)" in text
    assert "Assignment a (A): 100/100 (28/28 points)" in text


def test_a_total_without_scaling_is_plain() -> None:
    """Without assignments that scale, the total is the plain line."""
    text = render_text(result_with([]), width=100)
    assert "Total: 28/28\n" in text
