"""`grade check`: find the course, the reference and the submission, then grade."""

from __future__ import annotations

from pathlib import Path

from grader.config import Course, load_course
from grader.errors import ConfigError, UsageError
from grader.results import GradeResult
from grader.runner import grade
from grader.session import Reference

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


def check(
    *,
    path: Path,
    course_path: Path | None = None,
    solutions: Path | None = None,
    exercise_ids: list[str] | None = None,
    students_view: bool = False,
    plots: bool = False,
) -> GradeResult:
    """Grade the exercise modules in `path`."""
    if not path.exists():
        raise UsageError(f"{path} does not exist. Pass the folder that holds your exercise modules (default ./exercises).")
    if path.is_file():
        raise UsageError(f"{path} is a file; pass the folder that holds it ({path.parent}).")
    course = load_course(find_course(path, course_path))
    if students_view:
        course = course.without_hidden_tests()
    reference = find_reference(course, solutions)
    try:
        return grade(course=course, submission_dir=path, reference=reference, exercise_ids=exercise_ids, plots=plots)
    finally:
        reference.close()
