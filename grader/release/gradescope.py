"""Gradescope: the autograder zip `grade release --gradescope` builds, and what it runs.

The zip holds `setup.sh` and `run_autograder` at its root (Gradescope's contract) and
`course/`: the grader package with every suite (hidden ones too), the full `course.toml`
and the expected values of every test, computed from the reference (no solution code).
Gradescope autograders are private to instructors, so hidden tests may travel in it: they
run there and show `after_published`, name and score only (see the Gradescope reporter).

`run_autograder` calls `python -m grader.release.gradescope`, which finds the course
modules in the submission (a repository, a folder or loose files), grades them, and always
writes `results.json`: a grading that fails scores 0 and says why, it never fails open.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import stat
import sys
import tempfile
import traceback
import zipfile
from pathlib import Path

from grader.check import find_reference
from grader.course.config import Course, load_course
from grader.reporters.gradescope import render_gradescope
from grader.results import GradeResult
from grader.grading.runner import grade

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "gradescope"
SCRIPTS = ("setup.sh", "run_autograder")
COURSE_FOLDER = "course"
# 1980-01-01, the earliest time a zip can hold: the same tree gives the same bytes.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
SKIPPED_PARTS = {"__MACOSX", ".git", "__pycache__", ".venv", "venv", "site-packages", "node_modules"}


def write_autograder_zip(course_tree: Path, zip_path: Path) -> Path:
    """Zip `course_tree` as `course/`, with setup.sh and run_autograder at the root."""
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    members: list[tuple[str, Path]] = [(name, TEMPLATES / name) for name in SCRIPTS]
    members += [
        (f"{COURSE_FOLDER}/{path.relative_to(course_tree).as_posix()}", path)
        for path in sorted(course_tree.rglob("*"))
        if path.is_file()
    ]
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, path in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            executable = name in SCRIPTS or bool(path.stat().st_mode & stat.S_IXUSR)
            info.external_attr = ((0o755 if executable else 0o644) | stat.S_IFREG) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return zip_path


def _candidates(submission: Path, module: str) -> list[Path]:
    found = [
        path
        for path in submission.rglob(f"{module}.py")
        if path.is_file() and not any(part in SKIPPED_PARTS or part.startswith(".") for part in path.relative_to(submission).parts[:-1])
    ]
    # A module in an `exercises/` folder first (a whole repository was submitted), then the shallowest.
    return sorted(found, key=lambda path: ("exercises" not in path.parts, len(path.parts), str(path)))


def collect_modules(course: Course, submission: Path, into: Path) -> list[str]:
    """Copy each course module found in `submission` into `into`; return notes for the output."""
    notes = []
    for module in course.modules:
        candidates = _candidates(submission, module)
        if not candidates:
            notes.append(f"{module}.py was not found in your submission.")
            continue
        shutil.copyfile(candidates[0], into / f"{module}.py")
        if len(candidates) > 1:
            notes.append(f"Several {module}.py were submitted; graded {candidates[0].relative_to(submission)}.")
    return notes


def grade_submission(course_path: Path, submission: Path) -> tuple[GradeResult, list[str]]:
    """Grade the course modules found in `submission` against the course beside `course_path`."""
    course = load_course(course_path)
    if not submission.is_dir():
        raise FileNotFoundError(f"the submission folder {submission} does not exist")
    reference = find_reference(course, None)
    with tempfile.TemporaryDirectory(prefix="gradescope-submission-") as scratch:
        notes = collect_modules(course, submission, Path(scratch))
        try:
            return grade(course=course, submission_dir=Path(scratch), reference=reference), notes
        finally:
            reference.close()


def failure_results(reason: str) -> str:
    """results.json for a submission that could not be graded: 0 points, and why."""
    return json.dumps(
        {
            "score": 0,
            "output": f"The autograder could not grade this submission: {reason}\n"
            "This scores 0 for now; your instructor can see the details and regrade it.",
            "visibility": "visible",
            "tests": [],
        },
        indent=2,
    ) + "\n"


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
        print(f"{result.score}/{result.max_score} (isolation: {result.isolation}, device: {result.environment.get('device', '?')})")
        for note in [*notes, *result.warnings, *result.internal_errors]:
            print(note)
    except Exception as error:  # noqa: BLE001 - whatever went wrong, Gradescope gets a results.json.
        traceback.print_exc()
        document = failure_results(str(getattr(error, "message", error)))
    results.write_text(document, encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    root = Path(os.environ.get("AUTOGRADER_ROOT", "/autograder"))
    parser = argparse.ArgumentParser(prog="python -m grader.release.gradescope", description=__doc__.splitlines()[0])
    parser.add_argument("--submission", type=Path, default=root / "submission")
    parser.add_argument("--results", type=Path, default=root / "results" / "results.json")
    parser.add_argument("--course", type=Path, default=root / "source" / COURSE_FOLDER / "course.toml")
    arguments = parser.parse_args(argv)
    return run(arguments.submission, arguments.results, arguments.course)


if __name__ == "__main__":
    sys.exit(main())
