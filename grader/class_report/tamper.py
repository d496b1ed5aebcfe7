"""Tampering in GitHub Classroom repositories: the files a release protects, compared with the release.

`grade release` records the SHA-256 of every protected file (`grader.release.protected`: the
workflow, `grader/`, `course.toml`, `.grader/`, `pyproject.toml`, `setup.py`/`setup.cfg`,
`pytest.ini`/`tox.ini`, every `conftest.py`, `sitecustomize.py` and `.pth` file) in
`.grader/protected.json`, with line endings normalised. `grade report --release DIR` reads the
instructor's copy of that record and, for each student repository of the gradebook, lists the
protected files that were changed, added or deleted, now and in every commit of its history (a
workflow edited in one commit, graded by Classroom, and reverted in the next is reported with its
commits): the points Classroom showed for that repository came from grading files the student
could edit, so they cannot be trusted.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from grader.errors import UsageError
from grader.release.protected import (
    FORMAT,
    PROTECTED,
    RECORD,
    is_protected,
    normalised_sha256,
    protected_hashes,
    record_protected,
)

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
    # "<commit> changed|added|deleted <path>" for each commit of the history that made a protected file
    # differ from the release, whether or not a later commit undid it.
    history: tuple[str, ...] = ()

    @property
    def tampered(self) -> bool:
        return bool(self.changed or self.added or self.missing or self.history)


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
        history=history_edits(repository, expected),
    )


def _git(repository: Path, *arguments: str, data: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(
            ["git", "-C", str(repository), *arguments], input=data, capture_output=True, timeout=120, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return b""
    return done.stdout if done.returncode == 0 else b""


def history_edits(repository: Path, expected: dict[str, str]) -> tuple[str, ...]:
    """Each commit, on every branch, that made a protected file differ from the release: "<commit> <what> <path>"."""
    if not (Path(repository) / ".git").exists():
        return ()
    log = _git(
        repository,
        "-c",
        "core.quotePath=false",
        "log",
        "--all",
        "--root",
        "--no-renames",
        "--raw",
        "--no-abbrev",
        "--format=C %H",
    ).decode("utf-8", "replace")
    # "C <commit>" then one ":<mode> <mode> <old blob> <new blob> <status>\t<path>" line per file it changed.
    changes: list[tuple[str, str, str]] = []  # (commit, path, new blob, or "" when deleted)
    commit = ""
    for line in log.splitlines():
        if line.startswith("C "):
            commit = line[2:].strip()[:12]  # as `git log --abbrev=12` shows it
        elif line.startswith(":") and "\t" in line:
            meta, _, path = line.partition("\t")
            parts = meta.split()
            if len(parts) >= 5 and is_protected(path.strip('"')):
                changes.append((commit, path.strip('"'), "" if parts[4].startswith("D") else parts[3]))
    blobs = {blob for _, _, blob in changes if blob}
    hashes = _blob_hashes(repository, sorted(blobs))
    edits = []
    for commit_name, path, blob in changes:
        if not blob:
            if path in expected:
                edits.append(f"{commit_name} deleted {path}")
        elif path not in expected:
            edits.append(f"{commit_name} added {path}")
        elif hashes.get(blob) != expected[path]:
            edits.append(f"{commit_name} changed {path}")
    return tuple(dict.fromkeys(edits))


def _blob_hashes(repository: Path, blobs: list[str]) -> dict[str, str]:
    """Normalised SHA-256 of each blob's content, read with one `git cat-file --batch`."""
    if not blobs:
        return {}
    out = _git(repository, "cat-file", "--batch", data="".join(blob + "\n" for blob in blobs).encode())
    hashes, position = {}, 0
    for blob in blobs:
        end = out.find(b"\n", position)
        if end < 0:
            break
        header = out[position:end].split()
        if len(header) < 3 or header[1] == b"missing":
            position = end + 1
            continue
        size = int(header[2])
        hashes[blob] = normalised_sha256(out[end + 1 : end + 1 + size])
        position = end + 1 + size + 1
    return hashes
