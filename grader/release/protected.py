"""The files a release protects: `grade release` records their SHA-256 in `.grader/protected.json`.

`grade report --release DIR` (grader.report.tamper) compares each student's Classroom
repository with this record: points that came from edited grading files cannot be trusted.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

# `packs`: the course's own exercise packs, when it has some.
PROTECTED = (".github/workflows", "grader", "packs", "course.toml", ".grader")
RECORD = Path(".grader") / "protected.json"
FORMAT = "keras-intro-grader/protected"
SKIPPED_PARTS = ("__pycache__",)
SKIPPED_SUFFIXES = (".pyc", ".pyo")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def protected_hashes(root: Path) -> dict[str, str]:
    """SHA-256 of every protected file under `root`, by POSIX path (caches and the record itself left out)."""
    root = Path(root)
    found: dict[str, str] = {}
    for entry in PROTECTED:
        path = root / entry
        files = (
            [path]
            if path.is_file()
            else sorted(p for p in path.rglob("*") if p.is_file() or p.is_symlink())
            if path.is_dir()
            else []
        )
        for file in files:
            relative = file.relative_to(root).as_posix()
            if (
                relative == RECORD.as_posix()
                or any(part in SKIPPED_PARTS for part in file.parts)
                or file.suffix in SKIPPED_SUFFIXES
            ):
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
