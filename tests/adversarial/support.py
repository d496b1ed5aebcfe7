"""The adversarial cases: the manifest, submissions made from them, and snapshots of the files they attack.

A case is a folder `cases/<case_id>/` holding the module(s) a student would hand in (and,
for some cases, other files handed in next to them, stored as NAME.case); the rest of the
submission is a copy of `solutions/`. `cases.toml` says what each case targets and how it must be graded.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES_DIR = HERE / "cases"
MANIFEST = HERE / "cases.toml"
ROOT = HERE.parent.parent
SOLUTIONS = ROOT / "solutions"
# The parent's secrets during the adversarial grading: none may reach a result.
SECRETS = {
    "GITHUB_TOKEN": "ghp_adversarialSuiteSecret0123456789abcdefXYZ",
    "GRADER_TEST_SECRET": "correct-horse-battery-staple-4f1c2a",
}
LOOPBACK_PLACEHOLDER = b"@@LOOPBACK_PORT@@"
CATEGORIES = ("grade tampering", "answer theft", "resources", "environment", "careless input", "shortcut", "control")
ISOLATIONS = ("bubblewrap", "rlimits", "portable")


@dataclass(frozen=True)
class Case:
    """One hostile or careless submission and the outcome it must get."""

    id: str
    category: str
    description: str
    exercises: tuple[str, ...]
    passed: tuple[str, ...]
    failed: tuple[str, ...]
    # A substring of the message of at least one failed test (every failed test has a message).
    message: str = ""
    # The limit that must have ended every failed test ("time", "memory", "output"), if any.
    limit: str | None = None
    # The isolations this case is graded under (rlimits: the resource cases).
    isolations: tuple[str, ...] = ("bubblewrap",)
    pad_to_bytes: int = 0
    # course.toml's time_limit_s for this case (a runaway needs no 10 s to show it runs away), if set.
    time_limit_s: float | None = None
    # Isolation level -> why this case cannot apply there (what that level does not protect).
    not_applicable: tuple[tuple[str, str], ...] = ()

    @property
    def hostile(self) -> bool:
        return self.category not in ("careless input", "control")


def load_cases() -> list[Case]:
    """Every case of the manifest, checked against the folders in cases/."""
    document = tomllib.loads(MANIFEST.read_text(encoding="utf-8"))
    cases = []
    for case_id, table in document["cases"].items():
        unknown = set(table) - {
            "category",
            "description",
            "exercises",
            "passed",
            "failed",
            "message",
            "limit",
            "isolations",
            "pad_to_bytes",
            "time_limit_s",
            "not_applicable",
        }
        if unknown:
            raise ValueError(f"cases.toml: unknown key(s) {sorted(unknown)} in case {case_id}")
        if table["category"] not in CATEGORIES:
            raise ValueError(
                f"cases.toml: case {case_id} has category {table['category']!r}, expected one of {CATEGORIES}"
            )
        if not (CASES_DIR / case_id).is_dir():
            raise ValueError(f"cases.toml: case {case_id} has no folder {CASES_DIR / case_id}")
        cases.append(
            Case(
                id=case_id,
                category=table["category"],
                description=table["description"],
                exercises=tuple(table["exercises"]),
                passed=tuple(table.get("passed", ())),
                failed=tuple(table.get("failed", ())),
                message=table.get("message", ""),
                limit=table.get("limit"),
                isolations=tuple(table.get("isolations", ("bubblewrap",))),
                pad_to_bytes=int(table.get("pad_to_bytes", 0)),
                time_limit_s=table.get("time_limit_s"),
                not_applicable=tuple(sorted(table.get("not_applicable", {}).items())),
            )
        )
    folders = {path.name for path in CASES_DIR.iterdir() if path.is_dir()}
    missing = folders - {case.id for case in cases}
    if missing:
        raise ValueError(f"cases.toml: no entry for the case folder(s) {sorted(missing)}")
    return cases


def materialize(case: Case, folder: Path, *, loopback_port: int = 9) -> Path:
    """The submission of `case` in `folder`: solutions/ with the case's files on top."""
    shutil.copytree(SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    for source in sorted((CASES_DIR / case.id).iterdir()):
        data = source.read_bytes().replace(LOOPBACK_PLACEHOLDER, str(loopback_port).encode())
        if case.pad_to_bytes and source.suffix == ".py":
            line = b"# " + b"padding " * 12 + b"\n"
            data += line * max(0, (case.pad_to_bytes - len(data)) // len(line) + 1)
        # conftest.py, pytest.ini or .pth files are kept as NAME.case in the repository, so that
        # they never act on the project's own test run; the submission gets them under NAME.
        (folder / source.name.removesuffix(".case")).write_bytes(data)
    return folder


def snapshot(*roots: Path) -> dict[str, str]:
    """SHA-256 of every file under `roots` (bytecode caches left out), with its mode."""
    digests: dict[str, str] = {}
    for root in roots:
        paths = (
            [root] if root.is_file() else sorted(path for path in root.rglob("*") if "__pycache__" not in path.parts)
        )
        for path in paths:
            if path.is_file() and not path.is_symlink():
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                digests[str(path)] = f"{digest} {oct(path.stat().st_mode)}"
            elif path.is_symlink():
                digests[str(path)] = "link " + os.readlink(path)
    return digests


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The paths added, removed or modified between two snapshots."""
    return sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))


def sandbox_uid(pid: int) -> int | None:
    """The real uid of `pid` if it is a dedicated sandbox uid (see grader.sandbox.uids), else None."""
    from grader.sandbox.uids import UID_BASE, UID_COUNT

    try:
        with open(f"/proc/{pid}/status", "rb") as status:
            for line in status:
                if line.startswith(b"Uid:"):
                    uid = int(line.split()[1])
                    return uid if UID_BASE <= uid < UID_BASE + UID_COUNT else None
    except (OSError, ValueError):
        return None
    return None


def lease_is_free(uid: int) -> bool:
    """Whether no live sandbox holds `uid` (its abstract socket can be bound)."""
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.bind(f"\0gradekit-uid-{uid}")
    except OSError:
        return False
    finally:
        probe.close()
    return True


def portable_leftovers(before: set[str], wait_s: float = 5.0) -> list[str]:
    """Processes of this grader's portable sandboxes (their environment marker, "<pid>-<sandbox>-<n>") whose
    sandbox was not already running before the grading (`before`, the reference's): leftovers of a grading."""
    own = f"{os.getpid()}-"
    deadline = time.monotonic() + wait_s
    while True:
        found = [
            f"pid {pid} (marker {marker})"
            for pid, marker in portable_markers().items()
            if marker.startswith(own) and marker.rsplit("-", 1)[0] not in before
        ]
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def portable_markers() -> dict[int, str]:
    """pid -> portable sandbox marker, for every process that carries one."""
    import psutil

    from grader.sandbox.portable import MARKER_VARIABLE

    found = {}
    for process in psutil.process_iter():
        try:
            marker = process.environ().get(MARKER_VARIABLE)
        except psutil.Error:
            continue
        if marker:
            found[process.pid] = marker
    return found


def orphaned_sandbox_processes(wait_s: float = 5.0) -> list[str]:
    """Processes running as a sandbox uid that no live sandbox holds any more: leftovers of a grading.

    Safe while other sandboxes run (other test processes): their uids are still leased.
    Processes killed a moment ago get `wait_s` to finish dying.
    """
    deadline = time.monotonic() + wait_s
    while True:
        found = []
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                uid = sandbox_uid(int(entry.name))
                if uid is not None and lease_is_free(uid):
                    found.append(f"pid {entry.name} (uid {uid})")
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)
