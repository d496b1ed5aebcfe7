"""Each assignment's grade, from the results of its exercises: the points, and the grade out of 100.

An assignment whose tests' points add to 100 has its grade equal to its points; one with
`points = 100` (course.toml) scales them: 100 × points earned / points possible, to two
decimals. Only assignments whose every exercise was graded get a grade.
"""

from __future__ import annotations

from typing import Any

from grader.course.assignments import ASSIGNMENT_POINTS
from grader.course.config import Course
from grader.results import ExerciseResult


def assignment_grades(course: Course, results: tuple[ExerciseResult, ...]) -> list[dict[str, Any]]:
    """Plain data, one dict per graded assignment: name, title, points, max_points, grade, max_grade."""
    by_id = {result.id: result for result in results}
    grades = []
    for assignment in course.assignments:
        if not all(exercise in by_id for exercise in assignment.exercises):
            continue
        points = sum(by_id[exercise].score for exercise in assignment.exercises)
        possible = sum(by_id[exercise].max_score for exercise in assignment.exercises)
        if assignment.points is None:
            grade: float = points
        else:
            grade = round(ASSIGNMENT_POINTS * points / possible, 2) if possible else 0.0
        grades.append(
            {
                "name": assignment.name,
                "title": assignment.title,
                "points": points,
                "max_points": possible,
                "grade": grade,
                "max_grade": ASSIGNMENT_POINTS,
            }
        )
    return grades
