"""`grade check`: find the course, the reference and the submission, then grade (`grader.check(...)` from Python)."""

from __future__ import annotations

import dataclasses
import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from grader.course.cells import canonical_cells
from grader.course.config import Course, load_course
from grader.course.locate import find_course
from grader.course.secret import load_secret, secret_path
from grader.errors import UsageError
from grader.grading.inputs import PUBLIC_INPUTS, InputPlan
from grader.grading.reference import Reference, find_reference
from grader.grading.runner import Steps, grade
from grader.intake.notebook_files import convert_notebook
from grader.results import GradeResult

if TYPE_CHECKING:
    from grader.reporters.jupyter import NotebookResult

# Which inputs `grade check` grades on: the public ones, the instructor's, or both one after the other.
InputChoice = Literal["public", "instructor", "both"]
INPUT_CHOICES: tuple[InputChoice, ...] = ("public", "instructor", "both")


def check(
    *,
    path: Path,
    course_path: Path | None = None,
    solutions: Path | None = None,
    exercise_ids: list[str] | None = None,
    students_view: bool = False,
    plots: bool = False,
    assignment: str | None = None,
    inputs: InputChoice = "public",
) -> GradeResult:
    """Grade the exercise modules in `path` (only those of `assignment`, if given) on `inputs` ("public" or "instructor")."""
    if inputs == "both":
        raise UsageError("check() grades one set of inputs; use check_inputs() for both.")
    return check_inputs(
        path=path,
        course_path=course_path,
        solutions=solutions,
        exercise_ids=exercise_ids,
        students_view=students_view,
        plots=plots,
        assignment=assignment,
        inputs=inputs,
    )[0]


def default_inputs(course: Course, reference: Reference) -> InputChoice:
    """Both in the instructor's own course (its solutions and its .grader-secret beside course.toml), else public."""
    if reference.solutions_dir is not None and secret_path(course.path).is_file():
        return "both"
    return "public"


def instructor_plan(course: Course, reference: Reference) -> InputPlan:
    """The instructor inputs of a `grade check`, or a usage error saying why there are none here."""
    if reference.solutions_dir is None:
        raise UsageError(
            "This is a student release: it has the public inputs only. The inputs that count are your instructor's;"
            " `grade check` here grades the public ones (leave out --inputs)."
        )
    secret = load_secret(course.path)
    if secret is None:
        raise UsageError(
            f"No course secret: neither GRADER_SECRET nor {secret_path(course.path)}. Run `grade secret init` in the"
            " course folder (once; keep the file private), then grade again."
        )
    return InputPlan.instructor(secret)


def check_inputs(
    *,
    path: Path,
    course_path: Path | None = None,
    solutions: Path | None = None,
    exercise_ids: list[str] | None = None,
    students_view: bool = False,
    plots: bool = False,
    assignment: str | None = None,
    inputs: InputChoice | None = None,
    progress: Steps | None = None,
) -> tuple[GradeResult, ...]:
    """Grade `path` on the public inputs, the instructor's, or both (public first); None: `default_inputs`.
    `progress` is told what is being graded (`grader.reporters.live` on a terminal)."""
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
        choice = inputs or default_inputs(course, reference)
        plans = [PUBLIC_INPUTS] if choice == "public" else [instructor_plan(course, reference)]
        if choice == "both":
            plans.insert(0, PUBLIC_INPUTS)
        return tuple(
            grade(
                course=course,
                submission_dir=path,
                reference=reference,
                exercise_ids=exercise_ids,
                plots=plots and plan is PUBLIC_INPUTS,
                inputs=plan,
                progress=progress,
            )
            for plan in plans
        )
    finally:
        reference.close()


def render_checks(results: tuple[GradeResult, ...], output_format: str) -> str:
    """One grading as its format says; two (public, then instructor) one after the other, each named."""
    from grader.reporters import REPORTERS

    if len(results) == 1:
        return REPORTERS[output_format](results[0])
    public, instructor = results
    if output_format == "json":
        return json.dumps({"public": public.to_dict(), "instructor": instructor.to_dict()}, indent=2) + "\n"
    if output_format != "text":
        raise UsageError(
            f"--format {output_format} shows one grading: pass --inputs public or --inputs instructor"
            " (this course has a secret, so `grade check` grades both by default)."
        )
    return "".join(
        [
            "On the public inputs (the seeds in course.toml: what students see and `grade check` in a release runs):\n",
            REPORTERS["text"](public),
            "\nOn the instructor inputs (seeds from the course secret: the grade that counts in `grade batch`):\n",
            REPORTERS["text"](instructor),
        ]
    )


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


def check_in_notebook(
    *, path: Path | str = "exercises", exercise: str | list[str] | None = None, html_report: bool = True
) -> NotebookResult:
    """`grader.check(path=..., exercise=...)` from Python (Jupyter, Colab): grade `path` (a folder of modules or
    a notebook) and return a result that `display()` shows once: header, table, totals, then the report's figures."""
    from grader.reporters.html import render_html
    from grader.reporters.jupyter import NotebookResult

    folder = Path(path)
    exercise_ids = [exercise] if isinstance(exercise, str) else exercise
    if folder.suffix == ".ipynb":
        result = check_notebook(path=folder, exercise_ids=exercise_ids)
    else:
        result = check(path=folder, exercise_ids=exercise_ids, plots=html_report)
    figures = render_html(result, figures_only=True) if html_report and result.plots else ""
    return NotebookResult(result, figures)
