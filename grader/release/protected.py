"""The files a release protects: `grade release` records their SHA-256 in `.grader/protected.json`.

`grade report --release DIR` (grader.class_report.tamper) compares each student's Classroom
repository with this record: points that came from edited grading files cannot be trusted.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path, PurePosixPath

# Everything that can change what runs before or during grading. Folders and root files: the workflow,
# the grader and the course's packs, course.toml, .grader/, and what `pip install .` and pytest read
# (pyproject.toml's entry points, setup.py, setup.cfg, pytest.ini, tox.ini, a root conftest.py).
PROTECTED = (
    ".github/workflows",
    "grader",
    "packs",
    "course.toml",
    ".grader",
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    "pytest.ini",
    "tox.ini",
    "conftest.py",
)
# Names protected wherever they are: pytest loads every conftest.py, Python runs sitecustomize.py,
# usercustomize.py and the lines of .pth files found on its path.
PROTECTED_ANYWHERE = ("conftest.py", "sitecustomize.py", "usercustomize.py")
PROTECTED_SUFFIXES = (".pth",)
RECORD = Path(".grader") / "protected.json"
FORMAT = "keras-intro-grader/protected"
SKIPPED_PARTS = ("__pycache__", ".git")
SKIPPED_SUFFIXES = (".pyc", ".pyo")


def normalised_sha256(data: bytes) -> str:
    """SHA-256 with line endings normalised (CRLF and CR as LF): a clone with core.autocrlf is not an edit."""
    return hashlib.sha256(data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")).hexdigest()


def _sha256(path: Path) -> str:
    return normalised_sha256(path.read_bytes())


def is_protected(relative: str) -> bool:
    """Whether a repository path (POSIX, relative) is a protected file."""
    path = PurePosixPath(relative)
    if relative == RECORD.as_posix() or any(part in SKIPPED_PARTS for part in path.parts):
        return False
    if path.suffix in SKIPPED_SUFFIXES:
        return False
    if path.name in PROTECTED_ANYWHERE or path.suffix in PROTECTED_SUFFIXES:
        return True
    return any(relative == entry or relative.startswith(entry + "/") for entry in PROTECTED)


def protected_hashes(root: Path) -> dict[str, str]:
    """Normalised SHA-256 of every protected file under `root`, by POSIX path (caches and the record left out)."""
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
        found.update(_hash_all(root, files))
    anywhere = [p for name in PROTECTED_ANYWHERE for p in root.rglob(name)]
    anywhere += [p for suffix in PROTECTED_SUFFIXES for p in root.rglob(f"*{suffix}")]
    found.update(_hash_all(root, [p for p in anywhere if p.is_file() or p.is_symlink()]))
    return dict(sorted(found.items()))


def _hash_all(root: Path, files: list[Path]) -> dict[str, str]:
    hashes = {}
    for file in files:
        relative = file.relative_to(root).as_posix()
        if is_protected(relative):
            hashes[relative] = "symlink" if file.is_symlink() else _sha256(file)
    return hashes


def record_protected(release: Path) -> Path:
    """Write `.grader/protected.json` into a release folder; returns its path."""
    target = Path(release) / RECORD
    target.parent.mkdir(parents=True, exist_ok=True)
    document = {"format": FORMAT, "protected": list(PROTECTED), "files": protected_hashes(release)}
    target.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return target
