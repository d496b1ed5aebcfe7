"""The commands that build and check a course: nbgrader, release, new, lint, audit."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from grader.commands.options import (
    assignment_option,
    course_option,
    solutions_option,
)
from grader.errors import ExitCode

if TYPE_CHECKING:
    from grader.reporters.live import LiveSteps

Built = TypeVar("Built")


def _grading_the_solutions(command: str, build: Callable[[LiveSteps], Built]) -> Built:
    """What `build` makes while it grades the solutions (the expected values), its progress drawn live."""
    from grader.reporters.live import LiveSteps

    with LiveSteps(f"grade {command}: the expected values (the solutions graded)") as steps:
        return build(steps)


@click.command("nbgrader")
@click.argument("course_dir", type=click.Path(path_type=Path))
@course_option
@solutions_option
@assignment_option
@click.option(
    "--nbgrader-name",
    help="The nbgrader assignment's name (default: the --assignment, else the course id).",
)
@click.option(
    "--timeout",
    "timeout_s",
    type=click.IntRange(min=30),
    default=300,
    show_default=True,
    help="Seconds nbgrader allows each cell.",
)
@click.option("--force", is_flag=True, help="Rebuild the source notebook if it exists.")
def nbgrader_command(
    course_dir: Path,
    course_path: Path | None,
    solutions: Path | None,
    assignment: str | None,
    nbgrader_name: str | None,
    timeout_s: int,
    force: bool,
) -> None:
    """Build an nbgrader course in COURSE_DIR: nbgrader_config.py and the assignment's source notebook."""
    from grader.course.config import load_course
    from grader.course.locate import find_course
    from grader.course.secret import require_secret
    from grader.nbgrader.course import build_course_dir, render

    course = load_course(find_course(Path.cwd(), course_path))
    # `nbgrader autograde` grades on the instructor inputs: the course's secret, made now if it has none.
    require_secret(course.path, lambda message: click.echo(message, err=True))
    built = _grading_the_solutions(
        "nbgrader",
        lambda steps: build_course_dir(
            course=course,
            solutions_dir=solutions,
            course_dir=course_dir,
            assignment=assignment,
            timeout_s=timeout_s,
            force=force,
            name=nbgrader_name,
            progress=steps,
        ),
    )
    click.echo(render(built), nl=False)


@click.command("release")
@click.argument("out", type=click.Path(path_type=Path))
@click.option(
    "--runs-on",
    "runs_on",
    multiple=True,
    metavar="LABEL",
    help="Grade on a self-hosted GPU runner with this label (repeatable) instead of GitHub's Ubuntu runner.",
)
@click.option(
    "--gradescope",
    "gradescope_zip",
    type=click.Path(path_type=Path),
    help="Also build a Gradescope autograder zip here (it holds the hidden tests: never give it to students).",
)
@course_option
@solutions_option
@assignment_option
def release_command(
    out: Path,
    runs_on: tuple[str, ...],
    gradescope_zip: Path | None,
    course_path: Path | None,
    solutions: Path | None,
    assignment: str | None,
) -> None:
    """Write the student starter repository to OUT: stubs, public tests, expected values, Classroom workflow."""
    from grader.course.locate import find_course
    from grader.release.build import build_release, describe

    if gradescope_zip is not None:
        from grader.course.secret import require_secret

        # The autograder grades on the instructor inputs: the course's secret, made now if it has none.
        require_secret(course_path or find_course(Path.cwd(), None), lambda message: click.echo(message, err=True))

    release = _grading_the_solutions(
        "release",
        lambda steps: build_release(
            find_course(Path.cwd(), course_path),
            out,
            runs_on=runs_on,
            gradescope_zip=gradescope_zip,
            solutions=solutions,
            assignment=assignment,
            progress=steps,
        ),
    )
    click.echo(describe(release), nl=False)


@click.command("new")
@click.argument("exercise")
@click.option("--module", required=True, help="The student module (file name without .py) that holds the exercise.")
@click.option("--functions", default="", help="The functions the students write, comma-separated (default: EXERCISE).")
@click.option(
    "--params",
    default="",
    help="The functions' parameters, comma-separated, each `name` or `name:tensor|float|int`"
    " (default: x, one float32 tensor; without a kind the first is a tensor, the others floats).",
)
@click.option("--assignment", help="Add the exercise to this assignment (default: a new one named EXERCISE).")
@course_option
@click.option("--no-check", is_flag=True, help="Do not grade the solution and the stub afterwards (no TensorFlow).")
def new_command(
    exercise: str,
    module: str,
    functions: str,
    params: str,
    assignment: str | None,
    course_path: Path | None,
    no_check: bool,
) -> None:
    """Add the exercise EXERCISE: its solution region, pack (probes, suite, hidden suite), course.toml lines and stub.

    Then grade the solution (every point) and the stub (none), so that the exercise grades from its first minute.
    Exit codes: 0 written and graded as expected, 1 a grading was not as expected, 2 refused (the message says why).
    """
    from grader.authoring.scaffold import scaffold
    from grader.checking import check_inputs
    from grader.course.config import LOAD_LISTENERS, load_course
    from grader.course.exercisegen import generate_changes
    from grader.course.locate import find_course

    course_file = find_course(Path.cwd(), course_path)
    names = [name.strip() for name in functions.split(",") if name.strip()]
    listeners = LOAD_LISTENERS[:]
    LOAD_LISTENERS.clear()  # the stderr line on the course and its packs: said once the new pack is written
    try:
        made = scaffold(course_file, exercise, module, names, assignment, params)
    finally:
        LOAD_LISTENERS.extend(listeners)
    load_course(course_file)
    for path in made.written:
        click.echo(f"wrote {path}")
    for path, changed in generate_changes(course_file.parent / "solutions", course_file.parent / "exercises"):
        if changed:
            click.echo(f"wrote {path}")
    if no_check:
        return
    code = ExitCode.OK
    for folder, expected in (("solutions", "all"), ("exercises", "none")):
        (result,) = check_inputs(
            path=course_file.parent / folder, course_path=course_file, exercise_ids=[exercise], inputs="public"
        )
        good = result.score == (result.max_score if expected == "all" else 0) and not result.internal_errors
        code = code if good else ExitCode.TESTS_FAILED
        click.echo(
            f"{folder}/: {result.score}/{result.max_score} ({'as expected' if good else f'expected {expected}'})"
        )
    click.echo(
        f"Next: write {made.exercise}'s docstring, task line and solution in {made.solution}; its arguments in"
        f" {made.pack / 'probes.py'} (ARGUMENTS, each probe's parameters and values), make_inputs, diagnose and the"
        f" calls in {made.pack / 'suite.py'} and hidden_suite.py; then `grade generate` and `grade lint --grade`"
        " (docs/authoring.md, the quick way)."
    )
    sys.exit(code)


@click.command("lint")
@course_option
@click.option(
    "--grade", "with_grading", is_flag=True, help="Also grade: the solutions earn every point, the stubs none."
)
def lint_command(course_path: Path | None, with_grading: bool) -> None:
    """Check a course and its packs without a student: each problem with its file, line and fix.

    Exit codes: 0 no problem, 2 problems (listed, each with its fix).
    """
    from grader.authoring.lint import lint
    from grader.course.locate import find_course

    problems = lint(find_course(Path.cwd(), course_path), grade=with_grading)
    for problem in problems:
        click.echo(problem.render())
    click.echo(f"{len(problems)} problem(s)." if problems else "No problem found.")
    sys.exit(ExitCode.USAGE if problems else ExitCode.OK)


@click.command("audit")
@click.argument("exercise_ids", nargs=-1)
@course_option
@solutions_option
@click.option("--html", "html_path", type=click.Path(path_type=Path), help="Also write the audit as an HTML page.")
def audit_command(
    exercise_ids: tuple[str, ...], course_path: Path | None, solutions: Path | None, html_path: Path | None
) -> None:
    """Grade each exercise's suites against mutants of its solution and the known mistakes of its mutants.toml.

    Every exercise of the course when none is named. Exit codes: 0 every mutant killed (or listed as equivalent)
    and every known mistake caught, 1 survivors (each shown as a diff), 2 usage or configuration error.
    """
    from grader.authoring.audit import audit
    from grader.authoring.audit_report import render_html, render_text
    from grader.course.config import load_course
    from grader.course.locate import find_course

    course = load_course(find_course(Path.cwd(), course_path))
    audits = audit(
        course,
        solutions or course.path.parent / "solutions",
        list(exercise_ids),
        say=lambda message: click.echo(message, err=True),
    )
    if html_path is not None:
        html_path.write_text(render_html(audits), encoding="utf-8")
        click.echo(f"Wrote {html_path}", err=True)
    click.echo(render_text(audits), nl=False)
    sys.exit(ExitCode.OK if all(report.ok for report in audits) else ExitCode.TESTS_FAILED)


# What cli.py adds to the `grade` group.
COMMANDS: tuple[click.Command, ...] = (
    nbgrader_command,
    release_command,
    new_command,
    lint_command,
    audit_command,
)
