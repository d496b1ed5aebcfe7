"""`grade check`: find the course, the reference and the submission, then grade."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

from grader.course.cells import canonical_cells
from grader.course.config import Course, load_course
from grader.errors import ConfigError, UsageError
from grader.grading.runner import grade
from grader.grading.session import Reference
from grader.intake.notebook import convert_notebook
from grader.results import PASSED, GradeResult

EXPECTED_STORE = Path(".grader") / "expected.json"


def find_course(start: Path, explicit: Path | None) -> Path:
    """`--course` if given, else the nearest course.toml from `start` upwards, else ./course.toml."""
    if explicit is not None:
        return explicit
    start = start.resolve()
    for folder in [start, *start.parents]:
        candidate = folder / "course.toml"
        if candidate.is_file():
            return candidate
    return Path.cwd() / "course.toml"


def find_reference(course: Course, solutions: Path | None) -> Reference:
    """The reference solutions next to course.toml, or the release's store of expected values."""
    course_dir = course.path.parent
    if solutions is not None:
        if not solutions.is_dir():
            raise UsageError(f"--solutions {solutions} is not a folder.")
        return Reference(course, solutions)
    if (course_dir / "solutions").is_dir():
        return Reference(course, course_dir / "solutions")
    store = course_dir / EXPECTED_STORE
    if store.is_file():
        return Reference.from_store(course, store)
    raise ConfigError(
        f"Neither {course_dir / 'solutions'} nor {store} exists: the grader needs the reference solutions"
        " (instructors) or the expected values of a student release. Pass --solutions DIR.",
        path=course.path,
    )


def require_full_marks(result: GradeResult, course: Course, solutions: Path) -> None:
    """The reference's values become the expected ones only if the solutions earn every point."""
    failing = [
        f"{exercise.id}::{test.name} ({test.message or test.status})"
        for exercise, test in result.tests
        if test.status != PASSED
    ]
    if failing or result.internal_errors:
        raise ConfigError(
            f"The reference solutions in {solutions} do not earn every point, so their values cannot be"
            f" the expected ones: {'; '.join(failing or list(result.internal_errors))}. Fix them (grade check"
            f" {solutions}) and run this command again.",
            path=course.path,
        )


def check(
    *,
    path: Path,
    course_path: Path | None = None,
    solutions: Path | None = None,
    exercise_ids: list[str] | None = None,
    students_view: bool = False,
    plots: bool = False,
    assignment: str | None = None,
) -> GradeResult:
    """Grade the exercise modules in `path` (only those of `assignment`, if given)."""
    if not path.exists():
        raise UsageError(
            f"{path} does not exist. Pass the folder that holds your exercise modules (default ./exercises)."
        )
    if path.is_file():
        raise UsageError(f"{path} is a file; pass the folder that holds it ({path.parent}).")
    course = load_course(find_course(path, course_path)).for_assignment(assignment)
    if students_view:
        course = course.without_hidden_tests()
    reference = find_reference(course, solutions)
    try:
        return grade(course=course, submission_dir=path, reference=reference, exercise_ids=exercise_ids, plots=plots)
    finally:
        reference.close()


def check_notebook(
    *,
    path: Path,
    course_path: Path | None = None,
    solutions: Path | None = None,
    exercise_ids: list[str] | None = None,
    assignment: str | None = None,
) -> GradeResult:
    """`grade check NOTEBOOK.ipynb`: the notebook's code through the same sandbox and suites."""
    if not path.is_file():
        raise UsageError(f"{path} does not exist. Pass a notebook (.ipynb) or the folder that holds your modules.")
    course = load_course(find_course(path.parent, course_path))
    reference = find_reference(course, solutions)
    canonical = canonical_cells(course, reference.solutions_dir) if reference.solutions_dir else None
    conversion = convert_notebook(course, path, canonical)
    try:
        with tempfile.TemporaryDirectory(prefix="grader-notebook-") as folder:
            result = grade(
                course=course,
                submission_dir=conversion.write(Path(folder)),
                reference=reference,
                exercise_ids=(exercise_ids or []) + list(course.exercise_ids_of(assignment)),
            )
    finally:
        reference.close()
    return dataclasses.replace(result, submission=str(path), warnings=result.warnings + conversion.messages)


def check_html_path(html_path: Path | None) -> None:
    """`--html`: its folder must exist before grading starts."""
    if html_path is not None and not html_path.parent.is_dir():
        raise UsageError(
            f"--html {html_path}: the folder {html_path.parent} does not exist; create it or choose another path."
        )


def write_html_report(result: GradeResult, html_path: Path) -> GradeResult:
    """Write the student's HTML report; returns the result without its plot data (for the other reporters)."""
    from grader.reporters.html import write_html

    write_html(result, html_path)
    return dataclasses.replace(result, extra={key: value for key, value in result.extra.items() if key != "plots"})
