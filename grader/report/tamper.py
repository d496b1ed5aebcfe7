"""Tampering in GitHub Classroom repositories: the files a release protects, compared with the release.

`grade release` records the SHA-256 of every protected file (the workflow, `grader/`,
`course.toml`, `.grader/`) in `.grader/protected.json`. `grade report --release DIR` reads the
instructor's copy of that record and, for each student repository of the gradebook, lists the
protected files that were changed, added or deleted: the points Classroom showed for that
repository came from grading files the student could edit, so they cannot be trusted.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from grader.errors import UsageError

PROTECTED = (".github/workflows", "grader", "course.toml", ".grader")
RECORD = Path(".grader") / "protected.json"
FORMAT = "keras-intro-grader/protected"
SKIPPED_PARTS = ("__pycache__",)
SKIPPED_SUFFIXES = (".pyc", ".pyo")


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


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def protected_hashes(root: Path) -> dict[str, str]:
    """SHA-256 of every protected file under `root`, by POSIX path (caches and the record itself left out)."""
    root = Path(root)
    found: dict[str, str] = {}
    for entry in PROTECTED:
        path = root / entry
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file() or p.is_symlink()) if path.is_dir() else []
        for file in files:
            relative = file.relative_to(root).as_posix()
            if relative == RECORD.as_posix() or any(part in SKIPPED_PARTS for part in file.parts) or file.suffix in SKIPPED_SUFFIXES:
                continue
            found[relative] = "symlink" if file.is_symlink() else _sha256(file)
    return found


def record_protected(release: Path) -> Path:
    """Write `.grader/protected.json` into a release folder; returns its path."""
    target = Path(release) / RECORD
    target.parent.mkdir(parents=True, exist_ok=True)
    document = {"format": FORMAT, "protected": list(PROTECTED), "files": protected_hashes(release)}
    target.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return target


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
    if not isinstance(document, dict) or document.get("format") != FORMAT or not isinstance(document.get("files"), dict):
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
