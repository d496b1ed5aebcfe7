"""The `grade` command: the group of the commands in `grader.commands`, and the one place errors become exit codes."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import click

from grader import __version__
from grader.commands import course_authoring, instructor, student
from grader.errors import ExitCode, GraderError
from grader.safetext import for_terminal

# The commands that start TensorFlow to grade: each checks the installation first (metadata only, exit 2).
GRADING_COMMANDS = frozenset({"check", "submit", "batch", "nbgrader", "release", "audit"})


@click.group()
@click.version_option(__version__, prog_name="grade")
@click.pass_context
def cli(context: click.Context) -> None:
    """Grade the exercises of "Introduction to Keras and TensorFlow"."""
    if context.invoked_subcommand in GRADING_COMMANDS:
        from grader.installation import require_supported_tensorflow

        require_supported_tensorflow()


for _command in (*student.COMMANDS, *instructor.COMMANDS, *course_authoring.COMMANDS):
    cli.add_command(_command)


def tolerate_console_encoding() -> None:
    """A console whose code page cannot show a character (cp1252 and "✓", "×", "—", rich's box drawing) gets
    a replacement mark instead of a UnicodeEncodeError: the one place the CLI's output encoding is set."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")


def announce_courses() -> None:
    """Say once on stderr which course.toml and which packs a command uses: the first course it loads (the
    courses a command writes and reads back, for a release or a check, are not the instructor's)."""
    from grader.course.config import LOAD_LISTENERS, Course

    said: list[Path] = []

    def say(course: Course) -> None:
        if said:
            return
        said.append(course.path)
        own = sorted(exercise.id for exercise in course.exercises if not exercise.pack.builtin)
        packs = f"{len(own)} from {course.packs_dir}" if own and course.packs_dir else "none of its own"
        builtin = len(course.exercises) - len(own)
        click.echo(
            f"course: {course.path} ({len(course.exercises)} exercises; packs: {packs}, {builtin} of the grader's)",
            err=True,
        )

    LOAD_LISTENERS.append(say)


def main() -> None:
    """Entry point: run the group, turning grader errors into their exit codes."""
    tolerate_console_encoding()
    announce_courses()
    try:
        cli.main(standalone_mode=False)
    except GraderError as error:
        click.echo(f"Error: {for_terminal(error.message)}", err=True)
        sys.exit(error.exit_code)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(ExitCode.USAGE)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except Exception:  # noqa: BLE001 - any other exception is a bug of the grader: exit code 3
        click.echo("Internal error in the grader (a bug, not your fault); please report this:", err=True)
        click.echo(traceback.format_exc(), err=True)
        sys.exit(ExitCode.INTERNAL)


if __name__ == "__main__":
    main()
