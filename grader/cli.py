"""The `grade` command: click decorators over the library, and the one place errors become exit codes."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

import click

from grader import __version__
from grader.batch.formats import EXPORT_FORMATS, LMS_FORMATS
from grader.errors import ExitCode, GraderError, UsageError
from grader.reporters import REPORTERS
from grader.safetext import for_terminal

if TYPE_CHECKING:
    from grader.check import InputChoice
    from grader.results import GradeResult

# One owner: the formats are the reporters (grader/reporters/__init__.py).
FORMATS = list(REPORTERS)


# Options shared by several commands, declared once so that their names and help read the same everywhere.
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


@cli.command("check")
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
    from grader.check import check_html_path, check_inputs, render_checks, write_html_report

    check_html_path(html_path)
    if path.suffix == ".ipynb":
        from grader.check import check_notebook

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
        results = check_inputs(
            path=path,
            course_path=course_path,
            solutions=solutions,
            exercise_ids=list(exercise_ids),
            plots=html_path is not None,
            assignment=assignment,
            inputs=inputs,
        )
    for warning in dict.fromkeys(warning for result in results for warning in result.warnings):
        click.echo(f"warning: {for_terminal(warning)}", err=True)
    if html_path is not None:
        results = (write_html_report(results[0], html_path), *results[1:])
        click.echo(f"Wrote {html_path}", err=True)
    click.echo(render_checks(results, output_format), nl=False)
    sys.exit(max(result.return_code for result in results))


@cli.group("secret")
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


@cli.command("generate")
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


@cli.command("doctor")
def doctor_command() -> None:
    """Show the isolation this machine gives, the versions and the device, and what to fix.

    Exit codes: 0 all is well, 1 reduced isolation, 2 TensorFlow or Keras cannot grade here (a missing,
    doubled or unsupported TensorFlow, a Keras that does not match it, no GPU where one is required).
    """
    from grader.doctor import diagnose, exit_code, render

    findings = diagnose()
    click.echo(render(findings), nl=False)
    sys.exit(exit_code(findings))


@cli.command("submit")
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


@cli.command("batch")
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
    from grader.batch.cluster import cluster_progress, parse_cluster_options
    from grader.batch.run import run_batch
    from grader.course.config import load_course
    from grader.course.locate import find_course

    local_workers = parse_cluster_options(scheduler, cluster_spec)
    progress = cluster_progress(sys.stderr, on_cluster=scheduler is not None or cluster_spec is not None)
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


@cli.command("export")
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
        from grader.course.locate import find_course
        from grader.report.lms import RosterOptions, export_to_lms

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


@cli.command("report")
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
    from grader.course.locate import find_course
    from grader.report.build import build_report

    files = build_report(
        gradebook_path=gradebook_path,
        out=out,
        course_path=find_course(Path.cwd(), course_path),
        stubs=stubs,
        release=release,
        received=received,
    )
    click.echo(for_terminal(files.describe()), nl=False)


@cli.command("nbgrader")
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
    built = build_course_dir(
        course=course,
        solutions_dir=solutions,
        course_dir=course_dir,
        assignment=assignment,
        timeout_s=timeout_s,
        force=force,
        name=nbgrader_name,
    )
    click.echo(render(built), nl=False)


@cli.command("release")
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

    release = build_release(
        find_course(Path.cwd(), course_path),
        out,
        runs_on=runs_on,
        gradescope_zip=gradescope_zip,
        solutions=solutions,
        assignment=assignment,
    )
    click.echo(describe(release), nl=False)


@cli.command("new")
@click.argument("exercise")
@click.option("--module", required=True, help="The student module (file name without .py) that holds the exercise.")
@click.option("--functions", default="", help="The functions the students write, comma-separated (default: EXERCISE).")
@click.option("--assignment", help="Add the exercise to this assignment (default: a new one named EXERCISE).")
@course_option
@click.option("--no-check", is_flag=True, help="Do not grade the solution and the stub afterwards (no TensorFlow).")
def new_command(
    exercise: str, module: str, functions: str, assignment: str | None, course_path: Path | None, no_check: bool
) -> None:
    """Add the exercise EXERCISE: its solution region, pack (probes, suite, hidden suite), course.toml lines and stub.

    Then grade the solution (every point) and the stub (none), so that the exercise grades from its first minute.
    Exit codes: 0 written and graded as expected, 1 a grading was not as expected, 2 refused (the message says why).
    """
    from grader.authoring.scaffold import scaffold
    from grader.check import check_inputs
    from grader.course.exercisegen import generate_changes
    from grader.course.locate import find_course

    course_file = find_course(Path.cwd(), course_path)
    names = [name.strip() for name in functions.split(",") if name.strip()]
    made = scaffold(course_file, exercise, module, names, assignment)
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
        f"Next: write {made.exercise}'s docstring and solution in {made.solution}, its inputs and hints in"
        f" {made.pack / 'suite.py'}, then `grade generate` and `grade lint --grade` (docs/authoring.md)."
    )
    sys.exit(code)


@cli.command("lint")
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


@cli.command("audit")
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
