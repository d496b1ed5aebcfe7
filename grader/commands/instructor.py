"""The commands that grade and report on a class: batch, export, report."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from grader.batch.formats import EXPORT_FORMATS, LMS_FORMATS
from grader.commands.options import (
    assignment_option,
    course_option,
    exercise_option,
    gradebook_option,
    received_option,
    solutions_option,
)
from grader.errors import UsageError
from grader.safetext import for_terminal


@click.command("batch")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--gradebook",
    "gradebook_path",
    required=True,
    type=click.Path(path_type=Path),
    help="The SQLite gradebook (created if missing).",
)
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True, help="Worker processes.")
@click.option("--resume", is_flag=True, help="Skip submissions the gradebook already holds.")
@course_option
@solutions_option
@exercise_option
@assignment_option
@click.option(
    "--timeout",
    "timeout_s",
    type=click.FloatRange(min=1.0),
    help="Seconds allowed per submission (default: from course.toml's limits).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Grade on the Dask cluster of this scheduler (tcp://HOST:8786; see docs/cluster.md) instead of -j workers.",
)
@click.option(
    "--cluster",
    "cluster_spec",
    metavar="local:N",
    help="Grade on a Dask LocalCluster of N worker processes started here.",
)
@click.option(
    "--per-student",
    is_flag=True,
    help="Mix each student's id into the instructor inputs, so that two students get different inputs.",
)
def batch_command(
    inputs: tuple[Path, ...],
    gradebook_path: Path,
    jobs: int,
    resume: bool,
    course_path: Path | None,
    solutions: Path | None,
    exercise_ids: tuple[str, ...],
    assignment: str | None,
    timeout_s: float | None,
    scheduler: str | None,
    cluster_spec: str | None,
    per_student: bool,
) -> None:
    """Grade every submission in INPUTS (zips, folders of zips, folders of student folders) into a gradebook.

    Every test runs on instructor inputs (seeds derived from the course secret, .grader-secret beside
    course.toml or GRADER_SECRET, made on first use): inputs no student has seen. Hidden tests run;
    the result.json inside a zip is ignored. With --scheduler or --cluster the
    grading runs on Dask workers, the gradebook written here as results arrive (docs/cluster.md).
    Exit codes: 0 the batch completed (whatever the students scored; errors are rows of the
    gradebook), 2 usage or configuration error, 3 internal error of the grader.
    """
    from grader.batch.cluster import parse_cluster_options
    from grader.batch.progress import TerminalProgress
    from grader.batch.run import run_batch
    from grader.course.config import load_course
    from grader.course.locate import find_course

    local_workers = parse_cluster_options(scheduler, cluster_spec)
    progress = TerminalProgress(sys.stderr)
    course = load_course(find_course(Path.cwd(), course_path))
    try:
        report = run_batch(
            inputs=list(inputs),
            gradebook_path=gradebook_path,
            course=course,
            solutions=solutions,
            jobs=jobs,
            resume=resume,
            exercise_ids=list(exercise_ids) + list(course.exercise_ids_of(assignment)),
            timeout_s=timeout_s,
            progress=progress,
            scheduler=scheduler,
            local_workers=local_workers,
            say=lambda message: click.echo(for_terminal(message), err=True),
            per_student=per_student,
        )
    finally:
        progress.close()  # the rich bar always gives the terminal back
    click.echo(for_terminal(report.render(gradebook_path)), nl=False)


@click.command("export")
@gradebook_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(EXPORT_FORMATS),
    default="csv",
    show_default=True,
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="Output file (csv, json, canvas, moodle; default stdout) or folder (gradescope; default ./gradescope).",
)
@click.option(
    "--roster",
    type=click.Path(path_type=Path),
    help="canvas, moodle: Canvas's gradebook export, Moodle's participants export, Classroom's roster, or a CSV"
    " with a `student` column and the LMS's ids (see README).",
)
@click.option(
    "--id-pattern",
    help='canvas, moodle: how a gradebook id holds the login, e.g. "keras-intro-{login}" (Classroom repositories).',
)
@received_option
@click.option(
    "--classroom-roster",
    type=click.Path(path_type=Path),
    help="canvas, moodle: Classroom's roster CSV (identifier, github_username): GitHub user name -> LMS login.",
)
@click.option(
    "--assignment",
    "assignment",
    help="canvas, moodle: a course assignment (course.toml [assignments.NAME]): export its grade out of 100"
    " (default: the whole-course total).",
)
@click.option(
    "--column",
    help="canvas, moodle: the LMS column's name (default: the --assignment, else the course title).",
)
@click.option(
    "--assignment-id",
    default="",
    help='canvas: the id of an existing Canvas assignment (its column is then "COLUMN (ID)").',
)
@course_option
def export_command(
    gradebook_path: Path,
    output_format: str,
    out: Path | None,
    roster: Path | None,
    id_pattern: str | None,
    received: Path | None,
    classroom_roster: Path | None,
    assignment: str | None,
    column: str | None,
    assignment_id: str,
    course_path: Path | None,
) -> None:
    """Export the latest submission of each student from the gradebook (canvas and moodle: after the late policy)."""
    from grader.batch.export import export

    if output_format in LMS_FORMATS:
        from grader.class_report.lms import RosterOptions, export_to_lms
        from grader.course.locate import find_course

        text, written, warnings = export_to_lms(
            gradebook_path=gradebook_path,
            output_format=output_format,
            out=out,
            roster=RosterOptions(roster, id_pattern, classroom_roster, received),
            assignment=assignment,
            column=column,
            assignment_id=assignment_id,
            course_path=find_course(Path.cwd(), course_path),
        )
        for warning in warnings:
            click.echo(f"warning: {for_terminal(warning)}", err=True)
    else:
        if assignment is not None or column is not None or id_pattern or classroom_roster or received:
            raise UsageError(
                f"--assignment, --column, --id-pattern, --received and --classroom-roster are for --format canvas and moodle; --format {output_format} exports every"
                " exercise of each student (its columns name them). Leave them out, or pick canvas or moodle."
            )
        text, written = export(gradebook_path=gradebook_path, output_format=output_format, out=out)
    click.echo(text, nl=False)
    if written:
        click.echo(f"Wrote {len(written)} file(s) under {out or written[0].parent.parent}", err=True)


@click.command("report")
@gradebook_option
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("report"),
    show_default=True,
    help="Folder for index.html and summary.json.",
)
@course_option
@click.option(
    "--stubs",
    type=click.Path(path_type=Path),
    help="The stubs, left out of similarity (default: exercises/ beside course.toml).",
)
@click.option(
    "--release",
    type=click.Path(path_type=Path),
    help="The folder `grade release` wrote (or its .grader/protected.json): check Classroom repositories against it.",
)
@received_option
def report_command(
    gradebook_path: Path,
    out: Path,
    course_path: Path | None,
    stubs: Path | None,
    release: Path | None,
    received: Path | None,
) -> None:
    """The class at a glance: scores, frequent mistakes, similar submissions, tampered repositories, late ones."""
    from grader.class_report.build import build_report
    from grader.course.locate import find_course

    files = build_report(
        gradebook_path=gradebook_path,
        out=out,
        course_path=find_course(Path.cwd(), course_path),
        stubs=stubs,
        release=release,
        received=received,
    )
    click.echo(for_terminal(files.describe()), nl=False)


# What cli.py adds to the `grade` group.
COMMANDS: tuple[click.Command, ...] = (
    batch_command,
    export_command,
    report_command,
)
