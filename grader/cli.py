"""The `grade` command: click decorators over the library, and the one place errors become exit codes."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import click

from grader import __version__
from grader.errors import GraderError
from grader.results import EXIT_INTERNAL, EXIT_USAGE

FORMATS = ["text", "json", "junit", "gradescope", "classroom"]


@click.group()
@click.version_option(__version__, prog_name="grade")
def cli() -> None:
    """Grade the exercises of "Introduction to Keras and TensorFlow"."""


@cli.command("check")
@click.argument("path", type=click.Path(path_type=Path), default="exercises")
@click.option("--course", "course_path", type=click.Path(path_type=Path), help="course.toml (default: the nearest one).")
@click.option("--solutions", type=click.Path(path_type=Path), help="The reference solutions (default: solutions/ beside course.toml).")
@click.option("--exercise", "exercise_ids", multiple=True, help="Grade only this exercise (repeatable).")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True)
def check_command(path: Path, course_path: Path | None, solutions: Path | None, exercise_ids: tuple[str, ...], output_format: str) -> None:
    """Grade the exercise modules in PATH (default ./exercises)."""
    from grader.check import check
    from grader.reporters import REPORTERS

    result = check(path=path, course_path=course_path, solutions=solutions, exercise_ids=list(exercise_ids))
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(REPORTERS[output_format](result), nl=False)
    sys.exit(result.return_code)


@cli.command("generate")
@click.option("--solutions", type=click.Path(path_type=Path), default=Path("solutions"), show_default=True)
@click.option("--exercises", type=click.Path(path_type=Path), default=Path("exercises"), show_default=True)
@click.option("--check", "check_only", is_flag=True, help="Only report whether exercises/ is up to date (exit 1 if not).")
def generate_command(solutions: Path, exercises: Path, check_only: bool) -> None:
    """Make the student stubs in exercises/ from the reference in solutions/."""
    from grader.exercisegen import drift, generate

    if check_only:
        problems = drift(solutions, exercises)
        for problem in problems:
            click.echo(problem)
        sys.exit(1 if problems else 0)
    for written in generate(solutions, exercises):
        click.echo(f"wrote {written}")


@cli.command("doctor")
def doctor_command() -> None:
    """Show the isolation this machine gives, the versions and the device, and what to fix."""
    from grader.doctor import diagnose, render

    findings = diagnose()
    click.echo(render(findings), nl=False)
    sys.exit(0 if all(finding.ok for finding in findings) else 1)


def main() -> None:
    """Entry point: run the group, turning grader errors into their exit codes."""
    try:
        cli.main(standalone_mode=False)
    except GraderError as error:
        click.echo(f"Error: {error.message}", err=True)
        sys.exit(error.exit_code)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(EXIT_USAGE)
    except click.ClickException as error:
        error.show()
        sys.exit(EXIT_USAGE if error.exit_code == 2 else error.exit_code)
    except SystemExit:
        raise
    except Exception:
        click.echo("Internal error in the grader (a bug, not your fault); please report this:", err=True)
        click.echo(traceback.format_exc(), err=True)
        sys.exit(EXIT_INTERNAL)
