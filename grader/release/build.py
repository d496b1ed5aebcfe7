"""`grade release`: the student starter repository, and optionally the Gradescope autograder.

The release holds the stubs (`exercises/`), the grader package and the course's own packs
(`packs/`) with the public suites only (no pack's `hidden_suite.py`),
a `course.toml` without hidden tests or hidden seeds, `.grader/expected.json` (what the
public suites ask of the reference, and the reference's durations that calibrate time
limits), a `pyproject.toml`, a student README and the GitHub Classroom workflow. No solution
code goes in: the expected values are computed by grading the solutions with a recording
`Reference`, which also proves that they earn every point before anything is written.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import grader
from grader.course.config import DEFAULT_PACKS_FOLDER, Course, load_course
from grader.course.exercisegen import drift
from grader.course.packs import HIDDEN_SUITE_FILE, copy_course_packs
from grader.course.secret import SECRET_FILE, require_secret
from grader.course.writer import render_course_toml
from grader.errors import InternalError, UsageError
from grader.grading.inputs import PUBLIC_INPUTS, InputPlan
from grader.grading.reference import EXPECTED_STORE, Reference
from grader.grading.reference_cache import ReferenceCache
from grader.grading.runner import Steps
from grader.grading.solutions_verdict import grade_solutions
from grader.release.autograder import write_autograder_zip
from grader.release.files import render_pyproject, render_student_readme
from grader.release.protected import record_protected
from grader.release.secrecy import refuse_secret
from grader.release.workflow import render_workflow, runner_names
from grader.results import GradeResult

PACKAGE_DIR = Path(grader.__file__).resolve().parent
WORKFLOW_PATH = Path(".github") / "workflows" / "classroom.yml"
GITIGNORE = ".venv/\n__pycache__/\n*.pyc\n*.egg-info/\nbuild/\n*.zip\n"


class ReleaseError(UsageError):
    """A release cannot be built from this course (exit code 2); the message says what to fix."""


@dataclass(frozen=True)
class Release:
    """A written student release."""

    path: Path
    course: Course  # as students see it: hidden tests left out
    runners: tuple[str, ...]
    reference_result: GradeResult  # the solutions graded on the public tests: full marks
    hidden_points: int
    gradescope_zip: Path | None = None


def build_release(
    course_path: Path,
    out: Path,
    *,
    runs_on: Sequence[str] = (),
    gradescope_zip: Path | None = None,
    solutions: Path | None = None,
    assignment: str | None = None,
    progress: Steps | None = None,
) -> Release:
    """Write the student release of the course at `course_path` into `out` (new or empty); with
    `assignment`, of that assignment's exercises only."""
    course = load_course(course_path).for_assignment(assignment)
    course_dir = course.path.parent
    solutions = (solutions or course_dir / "solutions").resolve()
    exercises = course_dir / "exercises"
    out = Path(out).resolve()
    _check_inputs(course, solutions, exercises, out, gradescope_zip, runs_on)
    out.parent.mkdir(parents=True, exist_ok=True)
    public = course.without_hidden_tests()
    reference, result = record_expected(public, solutions, progress=progress)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the release is an ordinary folder
    try:
        write_course_tree(staging, public, reference, hidden=False)
        shutil.copytree(exercises, staging / "exercises", ignore=_stubs_ignore(exercises, course.modules))
        (staging / "README.md").write_text(render_student_readme(public), encoding="utf-8")
        (staging / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
        (staging / WORKFLOW_PATH).parent.mkdir(parents=True)
        (staging / WORKFLOW_PATH).write_text(render_workflow(public, runs_on), encoding="utf-8")
        # The hashes of the grading files, for `grade report --release` (tampered Classroom repositories).
        record_protected(staging)
        refuse_secret(staging, course.path)
        if gradescope_zip is not None:
            build_gradescope_zip(course, solutions, Path(gradescope_zip).resolve(), public_reference=reference)
        if out.exists():
            out.rmdir()
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Release(
        path=out,
        course=public,
        runners=tuple(runner_names(public)),
        reference_result=result,
        hidden_points=course.max_score - public.max_score,
        gradescope_zip=Path(gradescope_zip).resolve() if gradescope_zip is not None else None,
    )


def describe(release: Release) -> str:
    """What `grade release` prints: where things went and what the students get."""
    lines = [
        f"Wrote the student release of {release.course.id} {release.course.version} to {release.path}",
        f"  public tests: {len(release.reference_result.tests)}, {release.course.max_score} points"
        f" (the reference solutions earn all of them); hidden points left out: {release.hidden_points}",
        f"  GitHub Classroom: {WORKFLOW_PATH} with {len(release.runners)} runners",
    ]
    if release.gradescope_zip is not None:
        lines.append(
            f"  Gradescope autograder (with the hidden tests, the course secret and the answers on the instructor"
            f" inputs; keep it private): {release.gradescope_zip}"
        )
    return "\n".join(lines) + "\n"


def _check_inputs(
    course: Course, solutions: Path, exercises: Path, out: Path, gradescope_zip: Path | None, runs_on: Sequence[str]
) -> None:
    if not solutions.is_dir():
        raise ReleaseError(
            f"No reference solutions at {solutions}: a release computes its expected values from them."
            " Put them in solutions/ beside course.toml, or pass --solutions DIR."
        )
    if not exercises.is_dir():
        raise ReleaseError(f"No stubs at {exercises}: run `grade generate` to make them from {solutions}.")
    problems = drift(solutions, exercises)
    if problems:
        raise ReleaseError(
            "exercises/ is not what `grade generate` makes from solutions/, so students would get stale"
            " stubs: " + " ".join(problems)
        )
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ReleaseError(f"{out} already exists and is not an empty folder: choose a new folder for the release.")
    for private in (solutions, exercises, PACKAGE_DIR, course.path.parent):
        if out == private or (private != course.path.parent and out.is_relative_to(private)):
            raise ReleaseError(f"{out} is {private} or inside it: write the release to a folder of its own.")
    for label in runs_on:
        if not label.strip() or any(character in label for character in ",[]{}\"'\n\r"):
            raise ReleaseError(f"--runs-on {label!r} is not a runner label: give one plain label per --runs-on.")
    if gradescope_zip is not None:
        zip_path = Path(gradescope_zip).resolve()
        if zip_path.suffix != ".zip":
            raise ReleaseError(f"--gradescope {gradescope_zip}: the autograder must be a .zip file.")
        if zip_path.is_relative_to(out):
            raise ReleaseError(
                f"--gradescope {gradescope_zip} is inside the release {out}: the autograder holds the hidden"
                " tests, so it must never be in the students' repository. Write it somewhere else."
            )


def record_expected(
    course: Course,
    solutions: Path,
    *,
    exercise_ids: list[str] | None = None,
    seed: Reference | None = None,
    inputs: InputPlan = PUBLIC_INPUTS,
    progress: Steps | None = None,
) -> tuple[Reference, GradeResult]:
    """Grade the solutions with a recording reference; fail unless they earn every point.

    `seed` lends the values and durations another recording already holds, so that only
    what is new gets computed. The returned reference's `recorded` holds every value used.
    """
    reference = Reference(
        course,
        solutions,
        seed.recorded if seed else None,
        seed.durations if seed else None,
        cache=ReferenceCache.for_course(course, solutions),
    )
    try:
        result, _ = grade_solutions(
            course, solutions, reference, exercise_ids=exercise_ids, inputs=inputs, progress=progress
        )
    finally:
        reference.close()
    if seed is not None:
        reference.recorded = {**seed.recorded, **reference.recorded}
    return reference, result


def _stubs_ignore(exercises: Path, modules: tuple[str, ...]) -> Callable[[str, list[str]], set[str]]:
    """The stubs a release leaves out: caches, and the modules of exercises it does not hold (another assignment's)."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = {name for name in names if name == "__pycache__" or name.endswith(".pyc")}
        if Path(folder).resolve() == exercises.resolve():
            skipped |= {name for name in names if name.endswith(".py") and name.removesuffix(".py") not in modules}
        return skipped

    return ignore


def _package_ignore(hidden: bool) -> Callable[[str, list[str]], set[str]]:
    """What a copy of the grader or of a packs folder leaves out: caches, every pack's mutants.toml (`grade
    audit`'s record, which quotes solution code: no grading reads it), and without `hidden` every pack's
    hidden_suite.py (wherever it is: the hidden tests never reach students)."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = {name for name in names if name in ("__pycache__", "mutants.toml") or name.endswith((".pyc", ".pyo"))}
        if not hidden:
            skipped |= {name for name in names if name == HIDDEN_SUITE_FILE}
        return skipped

    return ignore


def write_course_tree(dest: Path, course: Course, reference: Reference, *, hidden: bool) -> None:
    """The installable part: grader/, course.toml, pyproject.toml and .grader/expected.json."""
    if not hidden and any(test.hidden for exercise in course.exercises for test in exercise.tests):
        raise InternalError("a student release was about to include hidden tests")
    shutil.copytree(PACKAGE_DIR, dest / "grader", ignore=_package_ignore(hidden))
    # The course's own packs, where the written course.toml (no `packs` key) finds them.
    copy_course_packs(course.packs_dir, dest / DEFAULT_PACKS_FOLDER, hidden=hidden)
    (dest / "course.toml").write_text(render_course_toml(course), encoding="utf-8")
    written = load_course(dest / "course.toml")
    if replace(written, path=course.path) != course:
        raise InternalError(f"the course.toml written to {dest} does not read back as the course it was written from")
    (dest / "pyproject.toml").write_text(render_pyproject(course), encoding="utf-8")
    (dest / EXPECTED_STORE).parent.mkdir(parents=True, exist_ok=True)
    reference.save_store(dest / EXPECTED_STORE)


def build_gradescope_zip(course: Course, solutions: Path, zip_path: Path, *, public_reference: Reference) -> Path:
    """The Gradescope autograder: every test, hidden ones too, on instructor inputs, and their expected values.

    It grades what counts, so it holds the course secret (`course/.grader-secret`) and the reference's
    answers on the instructor inputs, as it holds the hidden tests: Gradescope autograders are private
    to instructors. Per-student inputs cannot be computed there (no solutions travel), so the
    autograder uses the course-wide instructor inputs.
    """
    secret = require_secret(course.path)
    reference, _ = record_expected(course, solutions, seed=public_reference, inputs=InputPlan.instructor(secret))
    with tempfile.TemporaryDirectory(prefix="gradescope-") as scratch:
        write_course_tree(Path(scratch), course, reference, hidden=True)
        copy = Path(scratch) / SECRET_FILE
        copy.write_bytes(secret.key + b"\n")
        copy.chmod(0o600)
        return write_autograder_zip(Path(scratch), zip_path)
