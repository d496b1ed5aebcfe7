"""The options several commands share, declared once so that their names and help read the same everywhere."""

from __future__ import annotations

from pathlib import Path

import click

from grader.reporters import REPORTERS

# One owner: the formats are the reporters (grader/reporters/__init__.py).
FORMATS = list(REPORTERS)


course_option = click.option(
    "--course",
    "course_path",
    type=click.Path(path_type=Path),
    help="course.toml: the exercises, limits, deadline and late policy (default: the nearest one).",
)
solutions_option = click.option(
    "--solutions",
    type=click.Path(path_type=Path),
    help="The reference solutions (default: solutions/ beside course.toml).",
)
assignment_option = click.option(
    "--assignment", help="Only the exercises of this [assignments.NAME] of course.toml (default: the whole course)."
)
exercise_option = click.option(
    "--exercise", "exercise_ids", multiple=True, help="Grade only this exercise (repeatable)."
)
received_option = click.option(
    "--received",
    type=click.Path(path_type=Path),
    help="When each submission was received (CSV: student,time; or Classroom's grades export), for the late policy.",
)
gradebook_option = click.option(
    "--gradebook", "gradebook_path", required=True, type=click.Path(path_type=Path), help="The SQLite gradebook."
)
