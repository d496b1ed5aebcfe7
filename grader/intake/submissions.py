"""Every submission of a batch found and read, safely, by the parent: who, which bytes, or why not.

Inputs are submission zips (from `grade submit`, checked against their manifest), folders
of zips, a folder with one folder per student (GitHub Classroom's download), or nbgrader's
`submitted/<student>/<assignment>/` layout. Nothing here runs the student's code; the
modules are found by the rule of `grader.intake.modules`.
"""

from __future__ import annotations

import datetime
import enum
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from grader.course.config import Course
from grader.errors import SubmissionError, UsageError
from grader.intake.archive import (
    ARCHIVE_SUFFIX,
    MANIFEST_NAME,
    UnsafeArchive,
    check_student_id,
    manifest_mismatches,
    parse_manifest,
    read_archive,
    sha256_bytes,
    sha256_file,
)
from grader.intake.identity import Skipped, hidden_entry, student_id
from grader.intake.modules import is_student_folder, pick_modules, read_folder
from grader.intake.notebook_files import convert_submission


class SourceKind(enum.StrEnum):
    """What a submission is on disk."""

    ZIP = "zip"  # a submission zip
    FOLDER = "folder"  # a student's folder (a Classroom repository)
    NOTEBOOK = "notebook"  # nbgrader's submitted/<student>/<assignment>/


@dataclass(frozen=True)
class Source:
    """One submission to grade: a zip file or a student's folder."""

    path: Path
    kind: SourceKind


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
    # When this machine received the submission, by its file system (see `received_time`); never a student's time.
    received_at: str | None = None


def discover(inputs: list[Path], modules: tuple[str, ...], skipped: list[Skipped] | None = None) -> list[Source]:
    """Every submission in `inputs`, in a stable order; `UsageError` for an input that is not there.

    The entries of an input folder that are not graded (a name starting with ".", a symbolic link to a folder,
    a file that is no zip) are added to `skipped`, with the reason."""
    skipped = [] if skipped is None else skipped
    sources: dict[Path, Source] = {}
    for item in inputs:
        if not item.exists():
            raise UsageError(
                f"{item} does not exist. Pass submission zips, folders of zips, or a folder of student folders."
            )
        found: list[Source] = []
        if item.is_file():
            found = [Source(item, SourceKind.ZIP)]
        elif is_student_folder(item, modules):
            found = [Source(item, SourceKind.FOLDER)]
        elif _has_notebook(item):
            found = [Source(item, SourceKind.NOTEBOOK)]
        else:
            for child in sorted(item.iterdir()):
                if child.name.startswith("."):
                    if child.name != ".git" and (child.is_dir() or child.name.endswith(".zip")):
                        skipped.append(hidden_entry(child))
                    continue
                if child.is_file() and child.name.endswith(".zip"):
                    found.append(Source(child, SourceKind.ZIP))
                elif child.is_dir() and not child.is_symlink():
                    found += _nbgrader_sources(child, modules) or [Source(child, SourceKind.FOLDER)]
                else:
                    skipped.append(Skipped(child, _why_not(child)))
            if not found:
                raise UsageError(f"{item} holds no submission: no .zip file, no student folder, no {modules[0]}.py.")
        for source in found:
            sources.setdefault(source.path.resolve(), source)
    return list(sources.values())


def _why_not(path: Path) -> str:
    if path.is_symlink() and path.is_dir():
        return "a symbolic link to a folder, not followed (it may point outside the submissions); copy the folder in"
    return "not a .zip file or a folder: a submission is a zip, a student's folder or a notebook folder"


def _has_notebook(folder: Path) -> bool:
    return any(path.is_file() for path in folder.glob("*.ipynb"))


def _nbgrader_sources(folder: Path, modules: tuple[str, ...]) -> list[Source]:
    """nbgrader's layout: `folder` is submitted/<student>/<assignment>/ or submitted/<student>/."""
    if is_student_folder(folder, modules):
        return []
    if _has_notebook(folder):
        return [Source(folder, SourceKind.NOTEBOOK)]
    return [
        Source(sub, SourceKind.NOTEBOOK)
        for sub in sorted(folder.iterdir())
        if sub.is_dir() and not sub.is_symlink() and not sub.name.startswith(".") and _has_notebook(sub)
    ]


def intake_notebook(source: Source, course: Course) -> Intake:
    """Read nbgrader's submitted/<student>/<assignment>/ folder: the modules made from its notebook."""

    conversion = convert_submission(course, source.path)
    files = {f"{module}.py": text.encode("utf-8") for module, text in conversion.modules.items()}
    listing = "".join(f"{name}\0{sha256_bytes(data)}\n" for name, data in sorted(files.items()))
    intake = Intake(
        source=source,
        student=student_id(source.path.parent.name),
        sha256=sha256_bytes(listing.encode()),
        notes=conversion.messages,
    )
    try:
        return _replace(intake, modules=pick_modules(files, course.modules))
    except SubmissionError as error:
        return _replace(intake, error=error.message)


def _name_matches(file_name: str, student: str) -> bool:
    """Whether an archive named like `grade submit` names them belongs to `student` (LMS prefixes allowed)."""
    if not file_name.endswith(ARCHIVE_SUFFIX):
        return True
    stem = file_name.removesuffix(ARCHIVE_SUFFIX)
    return stem == student or (stem.endswith(student) and not stem[-len(student) - 1].isalnum())


def intake_zip(source: Source, course: Course) -> Intake:
    """Read a submission zip: refuse it, or return its modules, student, time and tamper flag."""
    path = source.path
    base = Intake(source=source, student=student_id(path.name), sha256=sha256_file(path))
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
                return _replace(
                    base,
                    error=f"the file name says student {base.student!r} but manifest.json says"
                    f" {manifest.student!r}; rename the file to {manifest.student}{ARCHIVE_SUFFIX} if that is right",
                )
            student, submitted_at = manifest.student, manifest.time
            mismatches = manifest_mismatches(manifest, members)
            if mismatches:
                modified = True
                notes.append("modified after submit: " + "; ".join(mismatches))
            if (manifest.course_id, manifest.course_version) != (course.id, course.version):
                notes.append(
                    f"submitted for course {manifest.course_id} {manifest.course_version}, graded as {course.id} {course.version}"
                )
    intake = _replace(
        base, student=student, submitted_at=submitted_at, modified_after_submit=modified, notes=tuple(notes)
    )
    try:
        return _replace(intake, modules=pick_modules(members, course.modules))
    except SubmissionError as error:
        return _replace(intake, error=error.message)


def intake_folder(source: Source, course: Course) -> Intake:
    """Read a student's folder (a Classroom repository): its modules, at the top or in exercises/."""
    found = read_folder(source.path, course.modules)
    # The folder's identity: its module files' names and contents, nothing else in it.
    listing = "".join(f"{name}\0{digest}\n" for name, digest in sorted(found.digests.items()))
    intake = Intake(source=source, student=student_id(source.path.name), sha256=sha256_bytes(listing.encode()))
    if found.problems:
        return _replace(intake, error="refused: " + "; ".join(found.problems))
    try:
        return _replace(intake, modules=pick_modules(found.files, course.modules))
    except SubmissionError as error:
        return _replace(intake, error=error.message)


def _replace(intake: Intake, **changes: object) -> Intake:
    return replace(intake, **changes)  # type: ignore[arg-type]


def received_time(source: Source, now: float | None = None) -> str | None:
    """When the instructor's machine received the submission: the newest status-change time (st_ctime) of the
    zip or of the folder's module files on this file system, never after now. A file's ctime is set by the
    system when the file arrives (download, clone, extraction) and no archive, commit or `touch` can set it,
    unlike its modification time, which an extracted zip takes from the student's entries. Commit dates and a
    manifest's time are the student's (`grader.class_report.times` shows them as claimed)."""
    path = source.path
    try:
        if source.kind == SourceKind.ZIP:
            stamps = [max(path.stat().st_ctime, path.stat().st_mtime)]
        else:
            pattern = "*.ipynb" if source.kind == SourceKind.NOTEBOOK else "*.py"
            files = [*path.glob(pattern), *path.glob(f"exercises/{pattern}")]
            stamps = [max(i.stat().st_ctime, i.stat().st_mtime) for i in files if i.is_file() and not i.is_symlink()]
    except OSError:
        return None
    if not stamps:
        return None
    moment = min(max(stamps), time.time() if now is None else now)
    return datetime.datetime.fromtimestamp(moment, datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def intake(source: Source, course: Course) -> Intake:
    if source.kind == SourceKind.NOTEBOOK:
        read = intake_notebook(source, course)
    else:
        read = intake_zip(source, course) if source.kind == SourceKind.ZIP else intake_folder(source, course)
    return _replace(read, received_at=received_time(source))
