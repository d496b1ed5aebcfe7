"""Tampering in GitHub Classroom repositories: the files a release protects, compared with the release.

`grade release` records the SHA-256 of every protected file (the workflow, `grader/`,
`course.toml`, `.grader/`) in `.grader/protected.json`. `grade report --release DIR` reads the
instructor's copy of that record and, for each student repository of the gradebook, lists the
protected files that were changed, added or deleted: the points Classroom showed for that
repository came from grading files the student could edit, so they cannot be trusted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from grader.errors import UsageError
from grader.release.protected import FORMAT, PROTECTED, RECORD, protected_hashes, record_protected

__all__ = [
    "PROTECTED",
    "RECORD",
    "TamperFinding",
    "check_repository",
    "load_protected",
    "protected_hashes",
    "record_protected",
]


@dataclass(frozen=True)
class TamperFinding:
    """One student repository against the release."""

    student: str
    repository: str
    changed: tuple[str, ...]
    added: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def tampered(self) -> bool:
        return bool(self.changed or self.added or self.missing)


def load_protected(where: Path) -> dict[str, str]:
    """The hashes recorded by `grade release`: from the release folder or the protected.json file itself."""
    path = Path(where)
    if path.is_dir():
        path = path / RECORD
    if not path.is_file():
        raise UsageError(
            f"No record of protected files at {path}. Pass --release with the folder `grade release` wrote"
            " (the template repository), or its .grader/protected.json; re-run `grade release` if it has none."
        )
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise UsageError(f"{path} is not JSON ({error}); re-run `grade release` to write it again.") from error
    if (
        not isinstance(document, dict)
        or document.get("format") != FORMAT
        or not isinstance(document.get("files"), dict)
    ):
        raise UsageError(f"{path} is not a record of protected files written by `grade release`.")
    return {str(name): str(digest) for name, digest in document["files"].items()}


def check_repository(student: str, repository: Path, expected: dict[str, str]) -> TamperFinding:
    """Compare one student repository's protected files with the release's."""
    found = protected_hashes(repository)
    return TamperFinding(
        student=student,
        repository=str(repository),
        changed=tuple(sorted(name for name in found.keys() & expected.keys() if found[name] != expected[name])),
        added=tuple(sorted(found.keys() - expected.keys())),
        missing=tuple(sorted(expected.keys() - found.keys())),
    )
