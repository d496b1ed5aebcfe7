"""`grade batch`: find the submissions, read each one safely, grade them in worker processes,
and write every grade to the gradebook as soon as it is known.

Inputs are submission zips, folders of zips, or a folder with one folder per student (GitHub
Classroom's download: the modules at the top of each repository or in its exercises/). The
parent reads each submission (`intake`), skips what the gradebook already holds (`--resume`),
and hands the modules to a pool of worker processes (`grader.pool`): fresh interpreters, each
keeping one `Reference` for the whole batch. Only the parent writes the gradebook.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterator, TextIO

from grader.archive import (
    ARCHIVE_SUFFIX,
    MANIFEST_NAME,
    MAX_MODULE_BYTES,
    UnsafeArchive,
    check_student_id,
    manifest_mismatches,
    parse_manifest,
    read_archive,
    sha256_bytes,
    sha256_file,
)
from grader.config import Course
from grader.errors import SubmissionError, UsageError
from grader.gradebook import ERROR, OK, Gradebook, Row, utc_now
from grader.pool import Outcome, Pool
from grader.results import GradeResult

MODULE_FOLDERS = ("", "exercises/")


@dataclass(frozen=True)
class Source:
    """One submission to grade: a zip file or a student's folder."""

    path: Path
    kind: str  # "zip", "folder" or "notebook" (nbgrader's submitted/<student>/<assignment>/)


@dataclass(frozen=True)
class Intake:
    """A submission read by the parent: who, which bytes, and what to grade (or why not)."""

    source: Source
    student: str
    sha256: str
    submitted_at: str | None = None
    modified_after_submit: bool = False
    notes: tuple[str, ...] = ()
    modules: dict[str, bytes] = field(default_factory=dict)
    error: str = ""

    def row(self, *, status: str, error: str = "", **fields: object) -> Row:
        return Row(
            student=self.student,
            source=str(self.source.path),
            sha256=self.sha256,
            submitted_at=self.submitted_at,
            graded_at=utc_now(),
            status=status,
            error=error,
            modified_after_submit=self.modified_after_submit,
            notes="; ".join(self.notes),
            **fields,  # type: ignore[arg-type]
        )


def _is_student_folder(folder: Path, modules: tuple[str, ...]) -> bool:
    return any((folder / prefix / f"{module}.py").exists() for prefix in MODULE_FOLDERS for module in modules)


def discover(inputs: list[Path], modules: tuple[str, ...]) -> list[Source]:
    """Every submission in `inputs`, in a stable order; `UsageError` for an input that is not there."""
    sources: dict[Path, Source] = {}
    for item in inputs:
        if not item.exists():
            raise UsageError(f"{item} does not exist. Pass submission zips, folders of zips, or a folder of student folders.")
        found: list[Source] = []
        if item.is_file():
            found = [Source(item, "zip")]
        elif _is_student_folder(item, modules):
            found = [Source(item, "folder")]
        elif _has_notebook(item):
            found = [Source(item, "notebook")]
        else:
            for child in sorted(item.iterdir()):
                if child.name.startswith("."):
                    continue
                if child.is_file() and child.name.endswith(".zip"):
                    found.append(Source(child, "zip"))
                elif child.is_dir() and not child.is_symlink():
                    found += _nbgrader_sources(child, modules) or [Source(child, "folder")]
            if not found:
                raise UsageError(f"{item} holds no submission: no .zip file, no student folder, no {modules[0]}.py.")
        for source in found:
            sources.setdefault(source.path.resolve(), source)
    return list(sources.values())


def _has_notebook(folder: Path) -> bool:
    return any(path.is_file() for path in folder.glob("*.ipynb"))


def _nbgrader_sources(folder: Path, modules: tuple[str, ...]) -> list[Source]:
    """nbgrader's layout: `folder` is submitted/<student>/<assignment>/ or submitted/<student>/."""
    if _is_student_folder(folder, modules):
        return []
    if _has_notebook(folder):
        return [Source(folder, "notebook")]
    return [Source(sub, "notebook") for sub in sorted(folder.iterdir())
            if sub.is_dir() and not sub.is_symlink() and not sub.name.startswith(".") and _has_notebook(sub)]  # fmt: skip


def intake_notebook(source: Source, course: Course) -> Intake:
    """Read nbgrader's submitted/<student>/<assignment>/ folder: the modules made from its notebook."""
    from grader.notebook import convert_submission

    conversion = convert_submission(course, source.path)
    files = {f"{module}.py": text.encode("utf-8") for module, text in conversion.modules.items()}
    listing = "".join(f"{name}\0{sha256_bytes(data)}\n" for name, data in sorted(files.items()))
    intake = Intake(source=source, student=_fallback_student(source.path.parent.name), sha256=sha256_bytes(listing.encode()),
                    notes=conversion.messages)  # fmt: skip
    try:
        return _replace(intake, modules=_pick_modules(files, course.modules))
    except SubmissionError as error:
        return _replace(intake, error=error.message)


def _fallback_student(name: str) -> str:
    stem = name.removesuffix(ARCHIVE_SUFFIX).removesuffix(".zip")
    safe = "".join(character if character.isalnum() or character in "._@+-" else "_" for character in stem)
    return (safe.lstrip("._@+-") or "unknown")[:100]


def _name_matches(file_name: str, student: str) -> bool:
    """Whether an archive named like `grade submit` names them belongs to `student` (LMS prefixes allowed)."""
    if not file_name.endswith(ARCHIVE_SUFFIX):
        return True
    stem = file_name.removesuffix(ARCHIVE_SUFFIX)
    return stem == student or (stem.endswith(student) and not stem[-len(student) - 1].isalnum())


def _pick_modules(files: dict[str, bytes], modules: tuple[str, ...]) -> dict[str, bytes]:
    for prefix in MODULE_FOLDERS:
        picked = {f"{m}.py": files[f"{prefix}{m}.py"] for m in modules if f"{prefix}{m}.py" in files}
        if picked:
            for name, data in picked.items():
                if len(data) > MAX_MODULE_BYTES:
                    raise SubmissionError(f"{name} is {len(data)} bytes, over the {MAX_MODULE_BYTES}-byte limit per module")
            return picked
    raise SubmissionError(f"no exercise module found (looked for {', '.join(m + '.py' for m in modules)} at the top and in exercises/)")


def intake_zip(source: Source, course: Course) -> Intake:
    """Read a submission zip: refuse it, or return its modules, student, time and tamper flag."""
    path = source.path
    base = Intake(source=source, student=_fallback_student(path.name), sha256=sha256_file(path))
    try:
        members = read_archive(path)
    except UnsafeArchive as error:
        return _replace(base, error=f"unsafe or unreadable archive: {error.message}")
    notes: list[str] = []
    student, submitted_at, modified = base.student, None, False
    if MANIFEST_NAME not in members:
        modified = True
        notes.append("no manifest.json (not made by `grade submit`, or removed): student id taken from the file name")
    else:
        try:
            manifest = parse_manifest(members[MANIFEST_NAME])
            check_student_id(manifest.student, "manifest.json")
        except SubmissionError as error:
            modified = True
            notes.append(f"unreadable manifest ({error.message}): student id taken from the file name")
        else:
            if not _name_matches(path.name, manifest.student):
                return _replace(base, error=f"the file name says student {base.student!r} but manifest.json says"
                                f" {manifest.student!r}; rename the file to {manifest.student}{ARCHIVE_SUFFIX} if that is right")
            student, submitted_at = manifest.student, manifest.time
            mismatches = manifest_mismatches(manifest, members)
            if mismatches:
                modified = True
                notes.append("modified after submit: " + "; ".join(mismatches))
            if (manifest.course_id, manifest.course_version) != (course.id, course.version):
                notes.append(f"submitted for course {manifest.course_id} {manifest.course_version}, graded as {course.id} {course.version}")
    intake = _replace(base, student=student, submitted_at=submitted_at, modified_after_submit=modified, notes=tuple(notes))
    try:
        return _replace(intake, modules=_pick_modules(members, course.modules))
    except SubmissionError as error:
        return _replace(intake, error=error.message)


def intake_folder(source: Source, course: Course) -> Intake:
    """Read a student's folder (a Classroom repository): its modules, at the top or in exercises/."""
    files: dict[str, bytes] = {}
    digests: dict[str, str] = {}
    problems: list[str] = []
    for prefix in MODULE_FOLDERS:
        for module in course.modules:
            name, path = f"{prefix}{module}.py", source.path / prefix / f"{module}.py"
            if path.is_symlink() or (path.exists() and not path.is_file()):
                problems.append(f"{name} is a symbolic link or not a regular file")
            elif path.is_file():
                digests[name] = sha256_file(path)
                size = path.stat().st_size
                if size > MAX_MODULE_BYTES:
                    problems.append(f"{name} is {size} bytes, over the {MAX_MODULE_BYTES}-byte limit per module")
                else:
                    files[name] = path.read_bytes()
    # The folder's identity: its module files' names and contents, nothing else in it.
    listing = "".join(f"{name}\0{digest}\n" for name, digest in sorted(digests.items()))
    intake = Intake(source=source, student=_fallback_student(source.path.name), sha256=sha256_bytes(listing.encode()))
    if problems:
        return _replace(intake, error="refused: " + "; ".join(problems))
    try:
        return _replace(intake, modules=_pick_modules(files, course.modules))
    except SubmissionError as error:
        return _replace(intake, error=error.message)


def _replace(intake: Intake, **changes: object) -> Intake:
    return replace(intake, **changes)  # type: ignore[arg-type]


def intake(source: Source, course: Course) -> Intake:
    if source.kind == "notebook":
        return intake_notebook(source, course)
    return intake_zip(source, course) if source.kind == "zip" else intake_folder(source, course)


@dataclass(frozen=True)
class BatchReport:
    """What one batch did; the summary is computed from the gradebook rows of its submissions."""

    sources: int
    graded: int  # graded by a worker now (a crash or timeout included)
    refused: int  # refused when read (unsafe archive, no module...): error rows
    skipped: int  # already in the gradebook (--resume)
    duplicates: int  # the same (student, sha256) as an earlier input of this batch
    rows: tuple[Row, ...]
    wall_s: float
    jobs: int = 1

    def render(self, gradebook_path: Path) -> str:
        """The summary printed at the end of a batch."""
        from grader.gradebook import summarize

        per = f", {self.wall_s / self.graded:.1f} s per graded submission" if self.graded else ""
        head = (
            f"Batch: {self.sources} inputs in {self.wall_s:.1f} s with {self.jobs} worker(s){per};"
            f" {self.graded} graded now, {self.refused} refused when read, {self.skipped} already in the"
            f" gradebook (--resume), {self.duplicates} duplicate(s) skipped"
        )
        return head + "\n" + summarize(self.rows).render() + f"Gradebook: {gradebook_path}\n"


Progress = Callable[[int, int, str], None]


class TerminalProgress:
    """A progress bar with the count and the ETA on a terminal; silent when `stream` is not one."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.enabled = stream.isatty()
        self.started = time.monotonic()

    def __call__(self, done: int, total: int, label: str) -> None:
        if not self.enabled or total == 0:
            return
        elapsed = time.monotonic() - self.started
        eta = int(elapsed / done * (total - done)) if done else 0
        bar = "#" * (30 * done // total)
        self.stream.write(f"\r[{bar:<30}] {done}/{total} ETA {eta // 60}:{eta % 60:02d}  {label[:40]:<40}")
        if done == total:
            self.stream.write("\n")
        self.stream.flush()


def default_timeout(course: Course) -> float:
    """A whole submission's limit: every module's import and two calls per exercise timing out, plus slack."""
    return course.limits.time_limit_s * (len(course.modules) + 2 * len(course.exercises)) + 120.0


def run_batch(
    *,
    inputs: list[Path],
    gradebook_path: Path,
    course: Course,
    solutions: Path | None = None,
    jobs: int = 1,
    resume: bool = False,
    exercise_ids: list[str] | None = None,
    timeout_s: float | None = None,
    progress: Progress | None = None,
    work_dir: Path | None = None,
    scheduler: str | None = None,
    local_workers: int | None = None,
    say: Callable[[str], None] | None = None,
) -> BatchReport:
    """Grade every submission in `inputs` into the gradebook; returns what was done.

    With `scheduler` (a Dask scheduler's address) or `local_workers` (a LocalCluster of that
    many processes) the grading runs on Dask workers (`grader.cluster`); `jobs` is then unused.

    The workers load the course from `course.path`. Temporary files (extracted submissions,
    the sandboxes' scratch folders) live in one folder under `work_dir` (default: the system's
    temporary folder), removed at the end.
    """
    if scheduler is not None or local_workers is not None:
        from grader.cluster.client import run_cluster_batch

        return run_cluster_batch(inputs=inputs, gradebook_path=gradebook_path, course=course, solutions=solutions,
                                 scheduler=scheduler, local_workers=local_workers, resume=resume, exercise_ids=exercise_ids,
                                 timeout_s=timeout_s, progress=progress, say=say)  # fmt: skip
    if jobs < 1:
        raise UsageError(f"-j must be at least 1, received {jobs}.")
    if not gradebook_path.parent.is_dir():
        raise UsageError(f"The folder of --gradebook {gradebook_path} does not exist; create it first.")
    for exercise_id in exercise_ids or []:
        course.exercise(exercise_id)
    sources = discover(inputs, course.modules)
    started = time.monotonic()
    seen: set[tuple[str, str]] = set()
    keys: list[tuple[str, str]] = []
    counts = {"graded": 0, "refused": 0, "skipped": 0, "duplicates": 0, "done": 0}
    with Gradebook(gradebook_path, course_id=course.id) as gradebook:

        def tick(label: str) -> None:
            counts["done"] += 1
            if progress is not None:
                progress(counts["done"], len(sources), label)

        def record(row: Row, counter: str) -> None:
            gradebook.record(row)
            counts[counter] += 1
            tick(f"{row.student}: {row.status}")

        def jobs_to_run() -> Iterator[tuple[Intake, dict[str, bytes]]]:
            for source in sources:
                item = intake(source, course)
                key = (item.student, item.sha256)
                if key in seen:
                    counts["duplicates"] += 1
                    tick(f"{item.student}: duplicate of an earlier input")
                    continue
                seen.add(key)
                keys.append(key)
                if resume and gradebook.contains(*key):
                    counts["skipped"] += 1
                    tick(f"{item.student}: already in the gradebook")
                elif item.error:
                    record(item.row(status=ERROR, error=item.error), "refused")
                else:
                    yield item, item.modules

        def done(item: Intake, outcome: Outcome) -> None:
            record(row_from_outcome(item, outcome), "graded")

        root = Path(tempfile.mkdtemp(prefix="grader-batch-", dir=work_dir))
        try:
            pool: Pool[Intake] = Pool(course=course, solutions=solutions, jobs=jobs, exercise_ids=exercise_ids,
                                      root=root, timeout_s=timeout_s or default_timeout(course))  # fmt: skip
            pool.run(jobs_to_run(), done)
        finally:
            shutil.rmtree(root, ignore_errors=True)
        wanted = set(keys)
        rows = tuple(row for row in gradebook.rows() if (row.student, row.sha256) in wanted)
    return BatchReport(
        sources=len(sources), graded=counts["graded"], refused=counts["refused"], skipped=counts["skipped"],
        duplicates=counts["duplicates"],
        rows=rows, wall_s=round(time.monotonic() - started, 3), jobs=jobs,
    )  # fmt: skip


def row_from_outcome(item: Intake, outcome: Outcome) -> Row:
    """The gradebook row of one grading: ok, or error when it failed or the grader itself failed somewhere."""
    duration = round(outcome.duration_s, 3)
    if outcome.result is None:
        return item.row(status=ERROR, error=outcome.error or "no result", duration_s=duration)
    try:
        result = GradeResult.from_dict(outcome.result)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        return item.row(status=ERROR, error=f"the grading process sent a malformed result ({error})", duration_s=duration)
    # The result names the submission by its input, not by the temporary folder it was graded in;
    # its duration goes in its own column, so that two gradings of the same input compare equal.
    result = replace(result, submission=str(item.source.path), duration_s=0.0)
    return item.row(
        status=ERROR if result.internal_errors else OK,
        error="; ".join(result.internal_errors),
        score=result.score,
        max_score=result.max_score,
        result=result.to_dict(),
        duration_s=duration,
    )
