"""`grade submit`: grade the student's modules locally, then package them in a verifiable zip.

The zip holds exactly the modules that course.toml lists, `manifest.json` (course, student,
time, grader version, environment, the SHA-256 of every other member) and the local
`result.json` (the student's view: hidden tests are never run). It is deterministic: for the
same modules, student, course, environment and time, the bytes are identical (fixed order,
timestamps, permissions and compression; with the same zlib, as deflate's output may differ
between zlib versions). The time is the only part that changes from one run to the next; set
SOURCE_DATE_EPOCH to fix it too. The result's duration is zeroed and its `submission` is the
archive's name, so neither varies.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from grader import __version__
from grader.checking import check
from grader.course.config import Course, load_course
from grader.course.limits import module_too_big
from grader.course.locate import find_course
from grader.environment import library_versions
from grader.errors import SubmissionError, UsageError
from grader.intake.archive import (
    ARCHIVE_SUFFIX,
    MANIFEST_NAME,
    RESULT_NAME,
    Manifest,
    check_student_id,
    sha256_bytes,
    write_deterministic_zip,
)
from grader.intake.modules import module_file
from grader.results import GradeResult


@dataclass(frozen=True)
class Submission:
    """A written submission archive and the local grading it carries."""

    path: Path
    sha256: str
    manifest: Manifest
    result: GradeResult
    warnings: tuple[str, ...]


def archive_name(student: str) -> str:
    """The archive's file name; `grade batch` cross-checks it against the manifest."""
    return f"{student}{ARCHIVE_SUFFIX}"


def submission_time() -> str:
    """Now in UTC, or SOURCE_DATE_EPOCH when set (reproducible builds' convention)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        moment = datetime.datetime.now(datetime.UTC)
    else:
        try:
            moment = datetime.datetime.fromtimestamp(int(epoch), datetime.UTC)
        except (ValueError, OverflowError, OSError) as error:
            raise UsageError(
                f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds since 1970; unset it or fix it."
            ) from error
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def load_submission_course(path: Path, course_path: Path | None) -> Course:
    course_file = find_course(path, course_path)
    if not course_file.is_file():
        raise SubmissionError(
            f"No course.toml found in {path.resolve()} or any folder above it (looked for {course_file})."
            " Run `grade submit` inside your copy of the course repository, or pass --course PATH/course.toml.",
            path=course_file,
        )
    return load_course(course_file)


def collect_modules(folder: Path, course: Course) -> dict[str, bytes]:
    """The bytes of each module course.toml lists, refusing a missing, odd or oversized one."""
    if not folder.is_dir():
        raise SubmissionError(
            f"{folder} is not a folder. Pass the folder that holds your exercise modules (default ./exercises).",
            path=folder,
        )
    modules: dict[str, bytes] = {}
    for module in course.modules:
        path = folder / module_file(module)
        if not path.exists():
            raise SubmissionError(
                f"{path} is missing: course.toml lists the module {module!r}. Restore it (copy it from the"
                " starter repository) and submit again.",
                path=path,
            )
        if not path.is_file():
            raise SubmissionError(f"{path} is not a regular file; put your {module}.py there.", path=path)
        too_big = module_too_big(str(path), path.stat().st_size)
        if too_big:
            raise SubmissionError(
                f"{too_big}. Remove large data or generated code from it and submit again.",
                path=path,
            )
        modules[module_file(module)] = path.read_bytes()
    return modules


def unfinished_exercises(result: GradeResult) -> list[str]:
    """The exercises whose code still raises NotImplementedError."""
    return [exercise.id for exercise in result.exercises if any(test.not_implemented for test in exercise.tests)]


def grade_modules(modules: dict[str, bytes], course: Course, solutions: Path | None) -> GradeResult:
    """Grade exactly the bytes that will be packaged, in the student's view (no hidden tests)."""
    folder = Path(tempfile.mkdtemp(prefix="grader-submit-"))
    try:
        for name, data in modules.items():
            (folder / name).write_bytes(data)
        return check(path=folder, course_path=course.path, solutions=solutions, students_view=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True)
class LocalGrading:
    """The student's modules, graded in the student's view, ready to be packaged."""

    course: Course
    student: str
    time: str
    modules: dict[str, bytes]
    result: GradeResult
    warnings: tuple[str, ...]


def check_out_dir(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise SubmissionError(f"--out {out_dir} is a file; pass the folder where the archive should go.", path=out_dir)


def grade_locally(
    *, path: Path, student: str, course_path: Path | None = None, solutions: Path | None = None
) -> LocalGrading:
    """Check everything that would refuse the submission, then grade exactly the bytes to package."""
    check_student_id(student, "--student")
    course = load_submission_course(path, course_path)
    modules = collect_modules(path, course)
    submitted_at = submission_time()
    result = grade_modules(modules, course, solutions)
    # The path and the duration vary from run to run; the archive must not.
    result = dataclasses.replace(result, submission=archive_name(student), duration_s=0.0)
    warnings = list(result.warnings)
    for exercise_id in unfinished_exercises(result):
        warnings.append(
            f"{exercise_id} still raises NotImplementedError: it scores 0 until you implement it (submitted anyway)"
        )
    return LocalGrading(
        course=course, student=student, time=submitted_at, modules=modules, result=result, warnings=tuple(warnings)
    )


def write_submission(local: LocalGrading, out_dir: Path) -> Submission:
    """Write `<out_dir>/<student>.submission.zip`: the modules, manifest.json and result.json."""
    check_out_dir(out_dir)
    result_json = (json.dumps(local.result.to_dict(), indent=2, sort_keys=True) + "\n").encode("utf-8")
    files = {**local.modules, RESULT_NAME: result_json}
    manifest = Manifest(
        course_id=local.course.id,
        course_version=local.course.version,
        student=local.student,
        time=local.time,
        grader_version=__version__,
        environment={**library_versions(), "device": local.result.environment.get("device", "unknown")},
        files={member: sha256_bytes(data) for member, data in sorted(files.items())},
    )
    files[MANIFEST_NAME] = manifest.to_json()
    target = out_dir / archive_name(local.student)
    write_deterministic_zip(target, files)
    return Submission(
        path=target,
        sha256=sha256_bytes(target.read_bytes()),
        manifest=manifest,
        result=local.result,
        warnings=local.warnings,
    )
