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
    """Grade the exercise modules in PATH (default ./exercises), or the notebook PATH.ipynb."""
    from grader.check import check
    from grader.reporters import REPORTERS

    if path.suffix == ".ipynb":
        from grader.notebook import check_notebook

        result = check_notebook(path=path, course_path=course_path, solutions=solutions, exercise_ids=list(exercise_ids))
    else:
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


@cli.command("submit")
@click.argument("path", type=click.Path(path_type=Path), default="exercises")
@click.option("--student", required=True, help="Your student id (letters, digits and . _ @ + -).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("."), show_default=True, help="Folder for the archive.")
@click.option("--course", "course_path", type=click.Path(path_type=Path), help="course.toml (default: the nearest one).")
@click.option("--solutions", type=click.Path(path_type=Path), help="The reference solutions (instructors only).")
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


@cli.command("batch")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--gradebook", "gradebook_path", required=True, type=click.Path(path_type=Path), help="The SQLite gradebook (created if missing).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True, help="Worker processes.")
@click.option("--resume", is_flag=True, help="Skip submissions the gradebook already holds.")
@click.option("--course", "course_path", type=click.Path(path_type=Path), help="course.toml (default: the nearest one).")
@click.option("--solutions", type=click.Path(path_type=Path), help="The reference solutions (default: solutions/ beside course.toml).")
@click.option("--exercise", "exercise_ids", multiple=True, help="Grade only this exercise (repeatable).")
@click.option("--timeout", "timeout_s", type=click.FloatRange(min=1.0), help="Seconds allowed per submission (default: from course.toml's limits).")
@click.option("--scheduler", metavar="ADDRESS", help="Grade on the Dask cluster of this scheduler (tcp://HOST:8786; see docs/cluster.md) instead of -j workers.")
@click.option("--cluster", "cluster_spec", metavar="local:N", help="Grade on a Dask LocalCluster of N worker processes started here.")
def batch_command(inputs: tuple[Path, ...], gradebook_path: Path, jobs: int, resume: bool, course_path: Path | None,
                  solutions: Path | None, exercise_ids: tuple[str, ...], timeout_s: float | None, scheduler: str | None,
                  cluster_spec: str | None) -> None:  # fmt: skip
    """Grade every submission in INPUTS (zips, folders of zips, folders of student folders) into a gradebook.

    Hidden tests run; the result.json inside a zip is ignored. With --scheduler or --cluster the
    grading runs on Dask workers, the gradebook written here as results arrive (docs/cluster.md).
    Exit codes: 0 the batch completed
    (whatever the students scored; errors are rows of the gradebook), 2 usage or configuration
    error, 3 internal error of the grader.
    """
    from grader.batch import TerminalProgress, run_batch
    from grader.check import find_course
    from grader.config import load_course
    from grader.errors import UsageError

    if scheduler is not None and cluster_spec is not None:
        raise UsageError("Pass --scheduler ADDRESS or --cluster local:N, not both.")
    local_workers = None
    progress = TerminalProgress(sys.stderr)
    if scheduler is not None or cluster_spec is not None:
        from grader.cluster import parse_local_cluster, require_dask
        from grader.cluster.progress import RichProgress

        local_workers = None if cluster_spec is None else parse_local_cluster(cluster_spec)
        require_dask()
        progress = RichProgress(sys.stderr)
    course = load_course(find_course(Path.cwd(), course_path))
    try:
        report = run_batch(
            inputs=list(inputs), gradebook_path=gradebook_path, course=course, solutions=solutions, jobs=jobs,
            resume=resume, exercise_ids=list(exercise_ids), timeout_s=timeout_s, progress=progress,
            scheduler=scheduler, local_workers=local_workers, say=lambda message: click.echo(message, err=True),
        )  # fmt: skip
    finally:
        getattr(progress, "close", lambda: None)()  # the cluster's rich bar gives the terminal back
    click.echo(report.render(gradebook_path), nl=False)


@cli.command("export")
@click.option("--gradebook", "gradebook_path", required=True, type=click.Path(path_type=Path), help="The SQLite gradebook.")
@click.option("--format", "output_format", type=click.Choice(["csv", "json", "gradescope"]), default="csv", show_default=True)
@click.option("--out", type=click.Path(path_type=Path), help="Output file (csv, json; default stdout) or folder (gradescope; default ./gradescope).")
def export_command(gradebook_path: Path, output_format: str, out: Path | None) -> None:
    """Export the latest submission of each student from the gradebook."""
    from grader.export import export

    text, written = export(gradebook_path=gradebook_path, output_format=output_format, out=out)
    click.echo(text, nl=False)
    if written:
        click.echo(f"Wrote {len(written)} file(s) under {out or written[0].parent.parent}", err=True)


@cli.command("nbgrader")
@click.argument("course_dir", type=click.Path(path_type=Path))
@click.option("--course", "course_path", type=click.Path(path_type=Path), help="course.toml (default: the nearest one).")
@click.option("--solutions", type=click.Path(path_type=Path), help="The reference solutions (default: solutions/ beside course.toml).")
@click.option("--assignment", help="The assignment's name (default: the course id).")
@click.option("--timeout", "timeout_s", type=click.IntRange(min=30), default=300, show_default=True, help="Seconds nbgrader allows each cell.")
@click.option("--force", is_flag=True, help="Rebuild the source notebook if it exists.")
def nbgrader_command(course_dir: Path, course_path: Path | None, solutions: Path | None, assignment: str | None,
                     timeout_s: int, force: bool) -> None:  # fmt: skip
    """Build an nbgrader course in COURSE_DIR: nbgrader_config.py and the assignment's source notebook."""
    from grader.check import find_course
    from grader.config import load_course
    from grader.nbgrader_course import build_course_dir, render

    course = load_course(find_course(Path.cwd(), course_path))
    built = build_course_dir(course=course, solutions_dir=solutions, course_dir=course_dir, assignment=assignment,
                             timeout_s=timeout_s, force=force)  # fmt: skip
    click.echo(render(built), nl=False)


@cli.command("release")
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--runs-on", "runs_on", multiple=True, metavar="LABEL", help="Grade on a self-hosted GPU runner with this label (repeatable) instead of GitHub's Ubuntu runner.")
@click.option("--gradescope", "gradescope_zip", type=click.Path(path_type=Path), help="Also build a Gradescope autograder zip here (it holds the hidden tests: never give it to students).")
@click.option("--course", "course_path", type=click.Path(path_type=Path), help="course.toml (default: the nearest one).")
@click.option("--solutions", type=click.Path(path_type=Path), help="The reference solutions (default: solutions/ beside course.toml).")
def release_command(out: Path, runs_on: tuple[str, ...], gradescope_zip: Path | None, course_path: Path | None,
                    solutions: Path | None) -> None:  # fmt: skip
    """Write the student starter repository to OUT: stubs, public tests, expected values, Classroom workflow."""
    from grader.check import find_course
    from grader.release import build_release, describe

    release = build_release(find_course(Path.cwd(), course_path), out, runs_on=runs_on, gradescope_zip=gradescope_zip, solutions=solutions)
    click.echo(describe(release), nl=False)


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
