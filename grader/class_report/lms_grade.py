"""Which grade an LMS export writes: one course assignment's grade, or the whole course's total.

`grade export --assignment NAME` writes the grade of the course assignment NAME (course.toml's
`[assignments.NAME]`), out of 100: 100 × the points its exercises earned / their points possible
(the points themselves when they add to 100), from each student's stored result. A student graded
without one of its exercises has no grade for it: the export is refused, naming them, rather than
filled with another grade. Without `--assignment` the export writes the total over every exercise
graded, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from grader.batch.gradebook import OK, Row
from grader.course.assignments import ASSIGNMENT_POINTS
from grader.course.config import Course
from grader.errors import UsageError


@dataclass(frozen=True)
class Points:
    """A student's grade in the export, and what it is out of."""

    grade: float
    possible: float


@dataclass(frozen=True)
class GradeChoice:
    """The grade the export writes: `exercises` of one assignment (`name`), or every exercise (`name` None)."""

    name: str | None
    exercises: tuple[str, ...]
    points_possible: float
    description: str

    def points(self, row: Row) -> Points:
        """The row's grade under this choice (the row must be graded, and hold the assignment's exercises)."""
        if self.name is None:
            return Points(float(row.score or 0), float(row.max_score or 0))
        earned, possible = _earned(row, self.exercises)
        grade = earned if possible == ASSIGNMENT_POINTS else round(ASSIGNMENT_POINTS * earned / possible, 2)
        return Points(grade, float(ASSIGNMENT_POINTS))


def _earned(row: Row, exercises: tuple[str, ...]) -> tuple[float, float]:
    by_id = {exercise["id"]: exercise for exercise in (row.result or {}).get("exercises", [])}
    earned = sum(float(by_id[exercise]["score"]) for exercise in exercises)
    possible = sum(float(by_id[exercise]["max_score"]) for exercise in exercises)
    return earned, possible


def _missing(row: Row, exercises: tuple[str, ...]) -> list[str]:
    graded = {exercise["id"] for exercise in (row.result or {}).get("exercises", [])}
    return [exercise for exercise in exercises if exercise not in graded]


def choose_grade(course: Course | None, assignment: str | None, rows: list[Row]) -> GradeChoice:
    """The grade to export; `UsageError` when --assignment names no assignment or its grade cannot be derived."""
    if assignment is None:
        possible = float(max((row.max_score or 0 for row in rows), default=0) or 100)
        names = ", ".join(item.name for item in course.assignments) if course is not None else ""
        description = (
            f"writing each student's whole-course total (points possible {possible:g}), every exercise graded"
            + (f"; pass --assignment NAME ({names}) to write one assignment's grade out of 100" if names else "")
        )
        return GradeChoice(None, (), possible, description)
    if course is None:
        raise UsageError(
            f"--assignment {assignment} names an assignment of course.toml, and no course.toml was found."
            " Pass --course PATH (the course.toml the gradebook was graded with)."
        )
    chosen = course.assignment(assignment)
    underivable = {row.student: _missing(row, chosen.exercises) for row in rows if row.status == OK and row.result}
    underivable = {student: missing for student, missing in underivable.items() if missing}
    if underivable:
        listed = "; ".join(f"{student} (no {', '.join(missing)})" for student, missing in sorted(underivable.items()))
        raise UsageError(
            f"The gradebook has no grade for assignment {assignment!r} (exercises {', '.join(chosen.exercises)}) for"
            f" {len(underivable)} student(s): {listed}. They were graded without these exercises. Regrade them"
            f" with `grade batch --assignment {assignment}`, or export the assignment they were graded on."
        )
    description = (
        f"writing assignment {assignment!r} ({chosen.title}): its grade out of {ASSIGNMENT_POINTS}, from exercises"
        f" {', '.join(chosen.exercises)}"
    )
    return GradeChoice(assignment, chosen.exercises, float(ASSIGNMENT_POINTS), description)
