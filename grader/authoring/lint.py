"""`grade lint`: everything about a course that can be known without a student.

The course loads (course.toml, its packs: test names both ways, probes registered, points
sums, `functions` when the probes call names the exercise is not named after); each
exercise's names are defined at the top level of its solution module and of its stub; every
solution region is inside an exercise's function; the stubs are what `grade generate` makes;
the nbgrader writer's cells can be made. With `grade=True`, the solutions earn every point and
the stubs none (TensorFlow starts: slower). Each problem names the file, the line and the fix.
"""

from __future__ import annotations

import ast
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from grader.authoring.bank import check_bank
from grader.checking import check_inputs
from grader.course.cells import canonical_cells, symbols
from grader.course.config import DEFAULT_PACKS_FOLDER, Course, load_course
from grader.course.exercisegen import drift
from grader.course.packs import copy_course_packs
from grader.course.writer import render_course_toml
from grader.errors import ConfigError, GraderError
from grader.results import PASSED

_LINE = re.compile(r"^line (\d+): ")


@dataclass(frozen=True)
class Problem:
    """One thing to fix: where, and what (the message says how)."""

    path: Path
    line: int | None
    message: str

    def render(self) -> str:
        return f"{self.path}{f':{self.line}' if self.line else ''}: {self.message}"


def _from_error(error: GraderError, default: Path) -> Problem:
    path = getattr(error, "path", None) or default
    message = error.message.removeprefix(f"{path}: ")
    match = _LINE.match(message)
    return Problem(Path(path), int(match.group(1)) if match else None, message[match.end() :] if match else message)


def _top_level(path: Path) -> dict[str, int]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return {
        node.name: node.lineno
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    }


def check_names(course: Course, folder: Path, what: str) -> list[Problem]:
    """Each exercise's function or class at the top level of its module in `folder`."""
    problems: list[Problem] = []
    for exercise in course.exercises:
        path = folder / f"{exercise.module}.py"
        if not path.is_file():
            problems.append(Problem(path, None, f"is missing: {what} of {exercise.id} ({exercise.module}.py)."))
            continue
        try:
            defined = _top_level(path)
        except SyntaxError as error:
            problems.append(Problem(path, error.lineno, f"{error.msg}: fix the syntax."))
            continue
        names = symbols(exercise)
        wanted = names if exercise.functions else names[:1]
        missing = [name for name in wanted if name not in defined]
        if exercise.functions and missing:
            problems.append(
                Problem(
                    path,
                    None,
                    f"defines no {missing[0]}, which [exercises.{exercise.id}] functions lists:"
                    f" define it at the top level of {path.name}, or fix `functions` in course.toml.",
                )
            )
        elif not exercise.functions and not any(name in defined for name in names):
            others = ", ".join(defined) or "nothing"
            problems.append(
                Problem(
                    path,
                    None,
                    f"defines neither {names[0]} nor {names[1]}, which exercise {exercise.id} is named"
                    f' after (it defines {others}): add `functions = ["..."]` to [exercises.{exercise.id}] with'
                    " the names the students write, or rename the exercise.",
                )
            )
    return problems


def lint(course_path: Path, *, grade: bool = False) -> list[Problem]:
    """Every problem of the course at `course_path`; empty when it is ready to release."""
    try:
        course = load_course(course_path)
    except GraderError as error:
        return [_from_error(error, course_path)]
    solutions = course_path.parent / "solutions"
    exercises = course_path.parent / "exercises"
    problems = check_names(course, solutions, "the reference solution")
    if problems:
        return problems
    problems += [Problem(exercises, None, message) for message in drift(solutions, exercises)]
    problems += check_mutant_banks(course, solutions)
    try:
        canonical_cells(course, solutions)  # the nbgrader writer, dry-run
    except ConfigError as error:
        problems.append(_from_error(error, solutions))
    problems += check_written_course(course)
    if grade and not problems:
        problems += check_grades(course_path, solutions, exercises)
    return problems


def check_mutant_banks(course: Course, solutions: Path) -> list[Problem]:
    """Each pack's mutants.toml still fits its exercise and solution: its equivalent mutants' ids, its known
    mistakes' texts and tests (`grader.authoring.bank`, the one checker of a bank)."""
    return [
        Problem(bank.path, bank.line, bank.message)
        for exercise in course.exercises
        for bank in check_bank(exercise, solutions / f"{exercise.module}.py", equivalents=True)
    ]


def check_written_course(course: Course) -> list[Problem]:
    """The release's course.toml writer, dry-run: for the course and each assignment, without hidden tests, what it
    writes reads back as the course it was written from."""
    problems: list[Problem] = []
    for assignment in [None, *(named.name for named in course.assignments)]:
        kept = course.for_assignment(assignment).without_hidden_tests()
        with tempfile.TemporaryDirectory(prefix="grade-lint-") as scratch:
            written = Path(scratch) / "course.toml"
            try:
                written.write_text(render_course_toml(kept), encoding="utf-8")
                copy_course_packs(course.packs_dir, Path(scratch) / DEFAULT_PACKS_FOLDER, hidden=False)
                again = load_course(written)
            except GraderError as error:
                problems.append(
                    Problem(
                        course.path,
                        None,
                        f"the release's course.toml{f' of {assignment}' if assignment else ''}"
                        f" cannot be written or read back: {error.message}",
                    )
                )
                continue
            except Exception as error:  # noqa: BLE001 - a writer's crash is what this dry run is for
                problems.append(
                    Problem(
                        course.path,
                        None,
                        f"writing the release's course.toml"
                        f"{f' of {assignment}' if assignment else ''} fails ({type(error).__name__}:"
                        f" {error}): a bug of the grader; please report it with this course.toml.",
                    )
                )
                continue
        if [e.id for e in again.exercises] != [e.id for e in kept.exercises]:
            problems.append(
                Problem(
                    course.path,
                    None,
                    f"the release's course.toml of {assignment or 'the course'}"
                    " does not read back with the same exercises: please report it.",
                )
            )
    return problems


def check_grades(course_path: Path, solutions: Path, exercises: Path) -> list[Problem]:
    """The solutions earn every point and the stubs none, on the public inputs."""
    problems: list[Problem] = []
    for folder, full in ((solutions, True), (exercises, False)):
        (result,) = check_inputs(path=folder, course_path=course_path, solutions=solutions, inputs="public")
        for exercise, test in result.tests:
            if full and test.status != PASSED:
                problems.append(
                    Problem(
                        folder,
                        None,
                        f"the reference fails {exercise.id}::{test.name}"
                        f" ({test.message[:300]}): fix the solution or the suite.",
                    )
                )
            if not full and test.score > 0:
                problems.append(
                    Problem(
                        folder,
                        None,
                        f"the stub earns {test.score} points in {exercise.id}::"
                        f"{test.name}: a test that a stub passes checks nothing; make it fail on"
                        " `not implemented yet`.",
                    )
                )
        problems += [Problem(folder, None, f"internal error: {error}") for error in result.internal_errors]
    return problems
