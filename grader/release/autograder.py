"""Gradescope: the autograder zip `grade release --gradescope` builds, and what it runs.

The zip holds `setup.sh` and `run_autograder` at its root (Gradescope's contract) and
`course/`: the grader package with every suite (hidden ones too), the full `course.toml`,
the course secret and the expected values of every test on the instructor inputs, computed
from the reference (no solution code). Students see only what the Gradescope reporter writes:
a failure on instructor inputs is described there without the inputs' values.
Gradescope autograders are private to instructors, so hidden tests may travel in it: they
run there and show `after_published`, name and score only (see the Gradescope reporter).

`run_autograder` calls `python -m grader.release.autograder`, which finds the course
modules in the submission (loose files, or a repository with `exercises/`: `grader.intake.modules`), grades them, and always
writes `results.json`: a grading that fails scores 0 and says why, it never fails open.
"""

from __future__ import annotations

import argparse
import json
import os
import stat
import sys
import tempfile
import traceback
from pathlib import Path

from grader.course.config import Course, load_course
from grader.course.secret import load_secret
from grader.errors import ConfigError, ExitCode, SubmissionError
from grader.grading.inputs import InputPlan
from grader.grading.reference import find_reference
from grader.grading.runner import grade
from grader.intake.archive import write_deterministic_zip
from grader.intake.modules import module_file, pick_modules, read_folder
from grader.reporters.gradescope import render_gradescope, zero_score_results
from grader.results import GradeResult

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "gradescope"
SCRIPTS = ("setup.sh", "run_autograder")
COURSE_FOLDER = "course"


def write_autograder_zip(course_tree: Path, zip_path: Path) -> Path:
    """Zip `course_tree` as `course/`, with setup.sh and run_autograder at the root."""
    members: list[tuple[str, Path]] = [(name, TEMPLATES / name) for name in SCRIPTS]
    members += [
        (f"{COURSE_FOLDER}/{path.relative_to(course_tree).as_posix()}", path)
        for path in sorted(course_tree.rglob("*"))
        if path.is_file()
    ]
    executable = frozenset(name for name, path in members if name in SCRIPTS or path.stat().st_mode & stat.S_IXUSR)
    # setup.sh and run_autograder first, at the root (Gradescope's contract), then course/ in order.
    write_deterministic_zip(
        zip_path, {name: path.read_bytes() for name, path in members}, executable=executable, sort=False
    )
    return zip_path


def collect_modules(course: Course, submission: Path, into: Path) -> list[str]:
    """Copy the course modules of `submission` (by the rule of `grader.intake.modules`) into `into`.

    Returns notes for the output: the modules not found, the files refused.
    """
    found = read_folder(submission, course.modules)
    try:
        picked = pick_modules(found.files, course.modules)
    except SubmissionError:
        picked = {}
    for name, data in picked.items():
        (into / name).write_bytes(data)
    missing = [
        f"{module_file(module)} was not found in your submission."
        for module in course.modules
        if module_file(module) not in picked
    ]
    return [*missing, *found.problems]


def grade_submission(course_path: Path, submission: Path) -> tuple[GradeResult, list[str]]:
    """Grade the course modules found in `submission` against the course beside `course_path`."""
    course = load_course(course_path)
    if not submission.is_dir():
        raise FileNotFoundError(f"the submission folder {submission} does not exist")
    secret = load_secret(course_path)
    if secret is None:
        raise ConfigError(
            "the autograder holds no course secret, so it cannot grade on the instructor inputs; rebuild it with"
            " `grade release --gradescope` and upload it again"
        )
    reference = find_reference(course, None)
    with tempfile.TemporaryDirectory(prefix="gradescope-submission-") as scratch:
        notes = collect_modules(course, submission, Path(scratch))
        try:
            result = grade(
                course=course, submission_dir=Path(scratch), reference=reference, inputs=InputPlan.instructor(secret)
            )
            return result, notes
        finally:
            reference.close()


def failure_results(reason: str) -> str:
    """results.json for a submission that could not be graded: 0 points, and why."""
    output = (
        f"The autograder could not grade this submission: {reason}\n"
        "This scores 0 for now; your instructor can see the details and regrade it."
    )
    return json.dumps(zero_score_results(output), indent=2) + "\n"


def run(submission: Path, results: Path, course_path: Path) -> int:
    """Grade, write `results`, print a summary for the instructor; 0 when results.json was written."""
    results.parent.mkdir(parents=True, exist_ok=True)
    try:
        result, notes = grade_submission(course_path, submission)
        document = render_gradescope(result)
        if notes:
            data = json.loads(document)
            data["output"] = "\n".join([data["output"], *notes])
            document = json.dumps(data, indent=2) + "\n"
        print(
            f"{result.score}/{result.max_score} (isolation: {result.isolation}, device: {result.environment.get('device', '?')})"
        )
        for note in [*notes, *result.warnings, *result.internal_errors]:
            print(note)
    except Exception as error:  # noqa: BLE001 - whatever went wrong, Gradescope gets a results.json.
        traceback.print_exc()
        document = failure_results(str(getattr(error, "message", error)))
    results.write_text(document, encoding="utf-8")
    return ExitCode.OK


def main(argv: list[str] | None = None) -> int:
    root = Path(os.environ.get("AUTOGRADER_ROOT", "/autograder"))
    parser = argparse.ArgumentParser(prog="python -m grader.release.autograder", description=__doc__.splitlines()[0])
    parser.add_argument("--submission", type=Path, default=root / "submission")
    parser.add_argument("--results", type=Path, default=root / "results" / "results.json")
    parser.add_argument("--course", type=Path, default=root / "source" / COURSE_FOLDER / "course.toml")
    arguments = parser.parse_args(argv)
    return run(arguments.submission, arguments.results, arguments.course)


if __name__ == "__main__":
    sys.exit(main())
