"""The reference's answers, kept between runs: computed once per course, not once per process.

What the reference answers (and how long its probes and imports take, which set the students'
time limits) depends only on the course: the solution modules, course.toml's exercises, seeds
and limits, the code that computes the answers (the sandbox child and its probes), the suites
that choose the inputs, and the versions of Python, TensorFlow, Keras and NumPy and the device.
`reference_digest` hashes exactly those (`digested_files` is the one list of files); the answers
live in `<cache folder>/<digest>.json`, in the wire's JSON/.npy encoding (never a pickle).

The cache folder is `.grade-cache/` beside course.toml, or `$GRADER_CACHE_DIR` when set. It is
safe to delete at any time: the next run recomputes it. A file that cannot be read, or whose
digest inside is not the one expected, is ignored with a warning and rewritten.

Several processes share it (the workers of `grade batch`, an instructor's `grade check`): the
one that has to compute holds `<digest>.lock` (an flock, released by the kernel if it dies) from
its first missing answer until it has saved, so the others wait, read its answers, and compute
nothing twice. Every write replaces the file atomically with the union of what it held and
what was computed; `computations` lists each write that added answers.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import importlib.metadata
import json
import os
import platform
import sys
import tempfile
import warnings
from dataclasses import asdict
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from grader.course.config import Course
from grader.distributions import KERAS_DISTRIBUTIONS, TENSORFLOW_FAMILY
from grader.sandbox.child import wire

CACHE_DIR_NAME = ".grade-cache"
ENV_CACHE_DIR = "GRADER_CACHE_DIR"
FORMAT = 1
GRADER_DIR = Path(__file__).resolve().parents[1]
# Every file under these folders of the grader package is digested (with the solution modules and
# each exercise's pack): the sandbox child and the packs' probes compute the answers, the packs'
# suites choose the inputs, and the suites' helpers (datasets, compare) live in grading/.
DIGESTED_FOLDERS: tuple[str, ...] = ("sandbox/child", "grading")
# Every distribution that can provide each package (the installation preflight's lists: one owner).
VERSIONED: dict[str, tuple[str, ...]] = {
    "tensorflow": TENSORFLOW_FAMILY,
    "keras": KERAS_DISTRIBUTIONS,
    "numpy": ("numpy",),
}
# How long a process waits for another one computing the same answers before it computes them itself.
LOCK_WAIT_S = 900.0
LOCK_POLL_S = 0.1


class ReferenceCacheWarning(UserWarning):
    """The reference cache could not be read or written; the answers are recomputed."""


def digested_files(course: Course, solutions_dir: Path, grader_dir: Path = GRADER_DIR) -> list[tuple[str, Path]]:
    """Every file the reference's answers depend on, each with the label it is hashed under.

    The one list to extend when answers come to depend on another file.
    """
    files = [(f"solutions/{module}.py", solutions_dir / f"{module}.py") for module in course.modules]
    for folder in DIGESTED_FOLDERS:
        for path in sorted((grader_dir / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo"):
                files.append((f"grader/{path.relative_to(grader_dir).as_posix()}", path))
    for exercise in course.exercises:
        for path in sorted(exercise.pack.folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo"):
                files.append((f"packs/{exercise.id}/{path.relative_to(exercise.pack.folder).as_posix()}", path))
    return files


def _distribution_version(names: tuple[str, ...]) -> str:
    for name in names:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            return f"{name}=={importlib.metadata.version(name)}"
    return "absent"


def versions() -> dict[str, str]:
    """Python, TensorFlow, Keras, NumPy, the platform and the device (CPU, or the GPUs visible), without importing TF."""
    gpus = sorted(path.name for path in Path("/dev").glob("nvidia[0-9]*"))
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    device = "cpu" if not gpus or visible in ("", "-1") else f"gpu:{','.join(gpus)};visible={visible}"
    found = {label: _distribution_version(names) for label, names in VERSIONED.items()}
    return {
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": f"{sys.platform} {platform.machine()}",
        "device": device,
        **found,
    }


def course_inputs(course: Course) -> dict[str, Any]:
    """What course.toml says that the answers depend on: each exercise's module and seeds, and the limits."""
    return {
        "limits": asdict(course.limits),
        "exercises": [
            {"id": e.id, "module": e.module, "seeds": list(e.seeds), "hidden_seeds": list(e.hidden_seeds)}
            for e in course.exercises
        ],
    }


def reference_digest(
    course: Course,
    solutions_dir: Path,
    *,
    grader_dir: Path = GRADER_DIR,
    environment: dict[str, str] | None = None,
) -> str:
    """The digest of everything the reference's answers depend on (file names, never paths on this machine)."""
    digest = hashlib.sha256(f"reference-cache {FORMAT}\0".encode())
    digest.update(json.dumps(course_inputs(course), sort_keys=True).encode() + b"\0")
    digest.update(json.dumps(environment if environment is not None else versions(), sort_keys=True).encode() + b"\0")
    for label, path in digested_files(course, solutions_dir, grader_dir):
        content = path.read_bytes() if path.is_file() else b"(missing)"
        digest.update(label.encode() + b"\0" + hashlib.sha256(content).digest())
    return digest.hexdigest()


def cache_folder(course: Course) -> Path:
    """`$GRADER_CACHE_DIR` when set, else `.grade-cache/` beside course.toml."""
    explicit = os.environ.get(ENV_CACHE_DIR)
    return Path(explicit) if explicit else course.path.parent / CACHE_DIR_NAME


# Digests whose lock this process holds, so that a second `ReferenceCache` here never waits on the first.
_HELD: set[str] = set()


class ReferenceCache:
    """One course's cached answers and durations, in `folder/<digest>.json`."""

    def __init__(self, folder: Path, digest: str) -> None:
        self.folder = folder
        self.digest = digest
        self.path = folder / f"{digest}.json"
        self.lock_path = folder / f"{digest}.lock"
        self._lock: FileLock | None = None

    @classmethod
    def for_course(cls, course: Course, solutions_dir: Path) -> ReferenceCache:
        return cls(cache_folder(course), reference_digest(course, solutions_dir))

    def _warn(self, message: str) -> None:
        warnings.warn(f"reference cache {self.path}: {message}", ReferenceCacheWarning, stacklevel=3)

    def load(self, *, quiet: bool = False) -> tuple[dict[str, Any], dict[str, float]]:
        """The answers and durations held for this digest: none when there is no file; none, with a warning
        (unless `quiet`: it was given when the file was read first), when it is unreadable."""
        try:
            data = wire.decode(self.path.read_bytes())
        except FileNotFoundError:
            return {}, {}
        except (OSError, wire.WireError) as error:
            problem = f"cannot be read ({error})"
        else:
            problem = self._problem(data)
        if problem:
            if not quiet:
                self._warn(f"{problem}; ignored, the reference's answers are recomputed")
            return {}, {}
        return dict(data["answers"]), {key: float(value) for key, value in data["durations"].items()}

    def _problem(self, data: Any) -> str:
        if not isinstance(data, dict):
            return f"holds {type(data).__name__}, not an object"
        if data.get("format") != FORMAT or data.get("digest") != self.digest:
            return (
                f"holds format {data.get('format')!r} and digest {str(data.get('digest'))[:12]!r},"
                f" not format {FORMAT} and digest {self.digest[:12]!r} (a file of another course or grader)"
            )
        if not isinstance(data.get("answers"), dict) or not isinstance(data.get("durations"), dict):
            return "has no 'answers' or 'durations' object"
        if not all(isinstance(value, int | float) for value in data["durations"].values()):
            return "has durations that are not numbers"
        return ""

    def computations(self) -> list[dict[str, Any]]:
        """The writes that added answers (when, which process, how many), oldest first."""
        try:
            data = wire.decode(self.path.read_bytes())
        except (OSError, wire.WireError):
            return []
        return list(data.get("computations", [])) if isinstance(data, dict) else []

    @property
    def locked(self) -> bool:
        return self._lock is not None

    def lock(self) -> bool:
        """Wait (up to LOCK_WAIT_S) until no other process computes these answers; False if it could not lock."""
        return self._acquire(LOCK_WAIT_S)

    def _acquire(self, wait_s: float) -> bool:
        """The file lock (filelock: flock on POSIX, msvcrt on Windows), waiting up to `wait_s`; a lock that cannot
        be had says why, and the answers are then computed without it."""
        if self._lock is not None:
            return True
        if self.digest in _HELD:
            return False  # another instance in this process holds it: waiting would wait on ourselves
        lock = FileLock(self.lock_path)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            lock.acquire(timeout=wait_s, poll_interval=LOCK_POLL_S)
        except Timeout:
            self._warn(f"another process held {self.lock_path} for over {wait_s:g} s; computing anyway")
            return False
        except OSError as error:
            self._warn(f"cannot create the lock {self.lock_path} ({error}); computing without it")
            return False
        self._lock = lock
        _HELD.add(self.digest)
        return True

    def unlock(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None
            _HELD.discard(self.digest)

    def save(self, answers: dict[str, Any], durations: dict[str, float], added: int) -> None:
        """Merge `answers` and `durations` (the longest wins) into the file, atomically; a failure only warns."""
        locked_here = self.lock()
        try:
            held, held_durations = self.load(quiet=True)
            merged_durations = dict(held_durations)
            for key, value in durations.items():
                merged_durations[key] = max(value, merged_durations.get(key, 0.0))
            history = self.computations() if held else []
            if added:
                history.append(
                    {
                        "at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                        "pid": os.getpid(),
                        "answers": added,
                    }
                )
            body = wire.dumps(
                {
                    "format": FORMAT,
                    "digest": self.digest,
                    "versions": versions(),
                    "computations": history,
                    "durations": merged_durations,
                    "answers": {**held, **answers},
                }
            )
            self.folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.folder, prefix=f".{self.digest[:12]}.", delete=False) as out:
                out.write(body)
            os.chmod(out.name, 0o644)  # as readable as course.toml beside it, not private to this user
            os.replace(out.name, self.path)
        except OSError as error:
            self._warn(f"cannot be written ({error}); the answers will be recomputed next time")
        finally:
            if locked_here:
                self.unlock()
