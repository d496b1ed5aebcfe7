"""The commands a student (and an instructor checking the solutions) runs: check, submit, doctor, generate, secret."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from grader.commands.options import (
    FORMATS,
    assignment_option,
    course_option,
    exercise_option,
    solutions_option,
)
from grader.errors import ExitCode
from grader.safetext import for_terminal

if TYPE_CHECKING:
    from grader.checking import InputChoice
    from grader.results import GradeResult


@click.command("check")
@click.argument("path", type=click.Path(path_type=Path), default="exercises")
@course_option
@solutions_option
@exercise_option
@assignment_option
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option(
    "--html", "html_path", type=click.Path(path_type=Path), help="Also write an HTML report with plots to this file."
)
@click.option(
    "--inputs",
    type=click.Choice(["public", "instructor", "both"]),
    help="Public inputs (course.toml's seeds, which students see), the instructor's (from the course secret, what"
    " counts), or both. Default: both in the instructor's course once it has a secret, else public.",
)
def check_command(
    path: Path,
    course_path: Path | None,
    solutions: Path | None,
    exercise_ids: tuple[str, ...],
    assignment: str | None,
    output_format: str,
    html_path: Path | None,
    inputs: InputChoice | None,
) -> None:
    """Grade the exercise modules in PATH (default ./exercises), or the notebook PATH.ipynb."""
    from grader.checking import check_html_path, check_inputs, render_checks, write_html_report

    check_html_path(html_path)
    if path.suffix == ".ipynb":
        from grader.checking import check_notebook

        results: tuple[GradeResult, ...] = (
            check_notebook(
                path=path,
                course_path=course_path,
                solutions=solutions,
                exercise_ids=list(exercise_ids),
                assignment=assignment,
            ),
        )
    else:
        from grader.reporters.live import LiveSteps

        # On a terminal, what is being graded (nothing in a file, a pipe or another format than text).
        with LiveSteps("grade check", machine_output=output_format != "text") as steps:
            results = check_inputs(
                path=path,
                course_path=course_path,
                solutions=solutions,
                exercise_ids=list(exercise_ids),
                plots=html_path is not None,
                assignment=assignment,
                inputs=inputs,
                progress=steps,
            )
    for warning in dict.fromkeys(warning for result in results for warning in result.warnings):
        click.echo(f"warning: {for_terminal(warning)}", err=True)
    if html_path is not None:
        results = (write_html_report(results[0], html_path), *results[1:])
        click.echo(f"Wrote {html_path}", err=True)
    click.echo(render_checks(results, output_format), nl=False)
    sys.exit(max(result.return_code for result in results))


@click.group("secret")
def secret_group() -> None:
    """The course secret: the instructor's inputs, which no student has seen, are drawn from it."""


@secret_group.command("init")
@course_option
@click.option("--force", is_flag=True, help="Replace an existing secret (later gradings then use other inputs).")
def secret_init_command(course_path: Path | None, force: bool) -> None:
    """Create .grader-secret beside course.toml (random, private, in the course's .gitignore).

    `grade batch`, the Gradescope autograder and nbgrader's autograde draw every test's inputs from
    it; GRADER_SECRET overrides it (CI, Gradescope). Exit codes: 0 created, 2 it exists already.
    """
    from grader.course.locate import find_course
    from grader.course.secret import init_secret

    path = init_secret(find_course(Path.cwd(), course_path), force=force)
    click.echo(
        f"Wrote {path}. Keep it private and keep it for the whole term: it is in the course's .gitignore, in no"
        " student release, and the Gradescope autograder zip holds a copy (keep that zip private too)."
    )


@click.command("generate")
@click.option("--solutions", type=click.Path(path_type=Path), default=Path("solutions"), show_default=True)
@click.option("--exercises", type=click.Path(path_type=Path), default=Path("exercises"), show_default=True)
@click.option(
    "--check", "check_only", is_flag=True, help="Only report whether exercises/ is up to date (exit 1 if not)."
)
def generate_command(solutions: Path, exercises: Path, check_only: bool) -> None:
    """Make the student stubs in exercises/ from the reference in solutions/."""
    from grader.course.exercisegen import drift, generate_changes

    if check_only:
        problems = drift(solutions, exercises)
        for problem in problems:
            click.echo(problem)
        sys.exit(ExitCode.TESTS_FAILED if problems else ExitCode.OK)
    for written, changed in generate_changes(solutions, exercises):
        click.echo(f"{'wrote' if changed else 'unchanged'} {written}")


@click.command("doctor")
def doctor_command() -> None:
    """Show the isolation this machine gives, the versions and the device, and what to fix.

    Exit codes: 0 all is well, 1 reduced isolation, 2 TensorFlow or Keras cannot grade here (a missing,
    doubled or unsupported TensorFlow, a Keras that does not match it, no GPU where one is required).
    """
    from grader.doctor import diagnose, exit_code, render

    findings = diagnose()
    click.echo(render(findings), nl=False)
    sys.exit(exit_code(findings))


@click.command("submit")
@click.argument("path", type=click.Path(path_type=Path), default="exercises")
@click.option("--student", required=True, help="Your student id (letters, digits and . _ @ + -).")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder for the archive.",
)
@course_option
@solutions_option
def submit_command(path: Path, student: str, out_dir: Path, course_path: Path | None, solutions: Path | None) -> None:
    """Grade PATH (default ./exercises) locally, then write OUT/STUDENT.submission.zip to hand in.

    The archive holds only the modules course.toml lists, manifest.json and result.json. It is
    byte-identical for identical modules, student, environment and time (set SOURCE_DATE_EPOCH
    to fix the time). Exit codes: 0 written, 2 refused (the message says why), 3 internal error.
    """
    from grader.reporters import render_text
    from grader.submit import check_out_dir, grade_locally, write_submission

    check_out_dir(out_dir)
    local = grade_locally(path=path, student=student, course_path=course_path, solutions=solutions)
    click.echo(render_text(local.result), nl=False)
    for warning in local.warnings:
        click.echo(f"warning: {warning}", err=True)
    submission = write_submission(local, out_dir)
    click.echo(f"Wrote {submission.path} (SHA-256 {submission.sha256}): hand in this file.")


# What cli.py adds to the `grade` group.
COMMANDS: tuple[click.Command, ...] = (
    check_command,
    secret_group,
    generate_command,
    doctor_command,
    submit_command,
)
