"""What the client and every worker must agree on: the course (course.toml and its reference) and the grader.

Each digest is a SHA-256 over file names and contents (never paths on one machine), so a worker
with the same course mounted elsewhere matches, and one with another course.toml, other
solutions, or another version of the grader's code does not.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import grader
from grader.course.config import Course
from grader.errors import ConfigError, UsageError
from grader.grading.reference import EXPECTED_STORE

GRADER_DIR = Path(grader.__file__).resolve().parent


@dataclass(frozen=True)
class Digest:
    """The course's and the grader's digests, with what a person needs to tell them apart."""

    course: str
    grader: str
    course_label: str  # "keras-intro 2026.1"
    grader_version: str

    def to_dict(self) -> dict[str, str]:
        return {
            "course": self.course,
            "grader": self.grader,
            "course_label": self.course_label,
            "grader_version": self.grader_version,
        }

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> Digest:
        return cls(
            course=data["course"],
            grader=data["grader"],
            course_label=data["course_label"],
            grader_version=data["grader_version"],
        )

    def mismatch(self, theirs: Digest, *, where: str) -> str:
        """Why `theirs` (the client's) is not this (the worker's), or "" when they agree."""
        problems = []
        if self.course != theirs.course:
            problems.append(
                f"its course ({self.course_label}, digest {self.course[:12]}) is not the client's ({theirs.course_label},"
                f" digest {theirs.course[:12]}): course.toml or the reference solutions differ"
            )
        if self.grader != theirs.grader:
            problems.append(
                f"its grader ({self.grader_version}, digest {self.grader[:12]}) is not the client's ({theirs.grader_version},"
                f" digest {theirs.grader[:12]}): install the same version of the grader on the client and every worker"
            )
        return f"the Dask worker {where} refuses to grade: " + "; ".join(problems) if problems else ""


def reference_path(course: Course, solutions: Path | None) -> Path:
    """The reference the grading uses (as `grader.grading.reference.find_reference` picks it): a folder or the store of expected values."""
    if solutions is not None:
        if not solutions.is_dir():
            raise UsageError(f"--solutions {solutions} is not a folder.")
        return solutions
    course_dir = course.path.parent
    if (course_dir / "solutions").is_dir():
        return course_dir / "solutions"
    if (course_dir / EXPECTED_STORE).is_file():
        return course_dir / EXPECTED_STORE
    raise ConfigError(
        f"Neither {course_dir / 'solutions'} nor {course_dir / EXPECTED_STORE} exists: the grader needs the reference"
        " solutions (instructors) or the expected values of a student release. Pass --solutions DIR.",
        path=course.path,
    )


def _tree_digest(root: Path, names: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in names:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _files(root: Path) -> list[Path]:
    return sorted(
        path
        for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo")
    )


def course_digest(course: Course, solutions: Path | None) -> str:
    """course.toml's bytes, the reference's files (the solution modules, or the store of expected values)
    and the course's own packs."""
    digest = hashlib.sha256(b"course.toml\0" + course.path.read_bytes())
    reference = reference_path(course, solutions)
    if reference.is_dir():
        digest.update(
            b"solutions\0"
            + _tree_digest(reference, [path for path in _files(reference) if path.suffix == ".py"]).encode()
        )
    else:
        digest.update(b"store\0" + reference.read_bytes())
    if course.packs_dir is not None:
        # The course's own exercise packs grade as much as course.toml does.
        digest.update(b"packs\0" + _tree_digest(course.packs_dir, _files(course.packs_dir)).encode())
    return digest.hexdigest()


_GRADER_DIGEST: list[str] = []


def grader_digest() -> str:
    """The grader's version and every file of its package (code, suites, templates); computed once per process."""
    if not _GRADER_DIGEST:
        _GRADER_DIGEST.append(
            hashlib.sha256(
                grader.__version__.encode() + b"\0" + _tree_digest(GRADER_DIR, _files(GRADER_DIR)).encode()
            ).hexdigest()
        )
    return _GRADER_DIGEST[0]


def digest_of(course: Course, solutions: Path | None) -> Digest:
    return Digest(
        course=course_digest(course, solutions),
        grader=grader_digest(),
        course_label=f"{course.id} {course.version}",
        grader_version=grader.__version__,
    )
