"""The base of every sandbox: what the three isolation levels share, written once.

A sandbox grades one submission: it admits the submission's modules (never a link, never a
device, never over `grader.course.limits.MAX_MODULE_BYTES`), waits for its process to say it is ready, asks it for
one worker per exercise with the same spawn request, and checks the worker's hello. The levels
differ only in how they get a process: `zygote_sandbox.ZygoteSandbox` forks workers from a zygote
(bubblewrap or rlimits), `pool_submission.PooledSandbox` from a warm pool's fork, and
`portable.PortableSandbox` hands exercises to a spawned interpreter.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, Self

from grader.course.limits import Limits, module_too_big
from grader.errors import InternalError
from grader.sandbox.child import wire
from grader.sandbox.failures import FailureKind, SubmissionFailure, check_hello
from grader.sandbox.isolation import Isolation, detect_isolation
from grader.sandbox.worker_end import WorkerEnd

# How long a sandbox's process may take to import TensorFlow and say it is ready.
STARTUP_TIMEOUT_S = 180.0
# How long a zygote may take to answer a control request (fork a worker, reap one).
CONTROL_TIMEOUT_S = 20.0
# The largest file the student's code may write (RLIMIT_FSIZE); the largest module is `MAX_MODULE_BYTES`.
FILE_SIZE_LIMIT_MB = 64
# How long past the import limit the parent waits before it kills a worker that did not
# answer by itself (its own watchdog could not run: a C call holding the interpreter).
IMPORT_LIMIT_MARGIN_S = 5.0
# Opening a module: read-only, never through a link, never blocking on a FIFO, binary on Windows.
OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def open_module(submission_dir: Path, module: str) -> tuple[int | None, str]:
    """A read-only descriptor of `module`.py, or None and why it is refused ("" when it is simply missing)."""
    path = submission_dir / f"{module}.py"
    link = f"{module}.py could not be read (it is a link): hand in the file itself, not a link to it"
    try:
        if stat.S_ISLNK(path.lstat().st_mode):
            return None, link
        fd = os.open(path, OPEN_FLAGS)
    except FileNotFoundError:
        return None, ""
    except OSError as error:
        return None, f"{module}.py could not be read ({error.strerror}): hand in the file itself, not a link to it"
    info = os.fstat(fd)
    problem = ""
    if not stat.S_ISREG(info.st_mode):
        problem = f"{module}.py is not a regular file: hand in the file itself"
    else:
        problem = module_too_big(f"{module}.py", info.st_size)
    if problem:
        os.close(fd)
        return None, problem
    return fd, ""


def copy_modules(fds: Mapping[str, int], workspace: Path) -> None:
    """Write each admitted module (name -> descriptor, left open) into `workspace`."""
    for name, fd in fds.items():
        with os.fdopen(os.dup(fd), "rb") as source, open(workspace / name, "wb") as target:
            shutil.copyfileobj(source, target)


class BaseSandbox(ABC):
    """One submission's isolation: its admitted modules, the packs' probes, and the workers it starts.

    `probes` maps each exercise to its pack's probes.py on the host; a worker spawned for an
    exercise loads that file (and nothing else of the pack) inside the sandbox."""

    def __init__(
        self,
        submission_dir: Path,
        modules: list[str],
        limits: Limits,
        isolation: Isolation | None = None,
        probes: Mapping[str, Path] | None = None,
    ) -> None:
        self.submission_dir = Path(submission_dir)
        self.modules = list(modules)
        self.probes = {exercise: Path(path).resolve() for exercise, path in (probes or {}).items()}
        self.limits = limits
        self.isolation = isolation or detect_isolation()
        # Modules that were not copied into the sandbox, and why (a link, a device, too big).
        self.refused: dict[str, str] = {}

    # -- what each level provides ----------------------------------------------------------

    @abstractmethod
    def start(self) -> Self:
        """Admit the submission and start its process; returns at once (it imports in the background)."""

    @abstractmethod
    def close(self) -> None:
        """Kill everything the sandbox ran and remove its files; safe to call twice."""

    @abstractmethod
    def spawn(
        self, exercise: str, module: str | None, *, seed: int, import_time_limit_s: float | None = None
    ) -> WorkerEnd:
        """A worker for one exercise, its generators seeded with `seed`, that has imported the student's module."""

    @abstractmethod
    def finish_worker(self, pid: int) -> dict[str, Any]:
        """End the worker `pid` and whatever it started; its exit status."""

    @abstractmethod
    def output_tail(self, limit: int = 600) -> str:
        """The end of what the sandbox's own process printed."""

    def expect_spawns(self, count: int) -> None:  # noqa: B027 - only a level that starts processes ahead cares.
        """How many workers the grading will ask for."""

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- what every level does the same way ------------------------------------------------

    def _admit_modules(self) -> dict[str, int]:
        """A read-only descriptor of each module that can be graded (the caller closes them); `refused` says why
        the others cannot."""
        self.refused = {}
        fds: dict[str, int] = {}
        for module in self.modules:
            fd, problem = open_module(self.submission_dir, module)
            if fd is not None:
                fds[f"{module}.py"] = fd
            elif problem:
                self.refused[module] = problem
        return fds

    @contextlib.contextmanager
    def _starting(self) -> Iterator[dict[str, int]]:
        """A start's admitted modules (`_admit_modules`), their descriptors closed after the block; if admitting
        or the block raises, the sandbox is closed (nothing it started is left) and the error goes on."""
        fds: dict[str, int] = {}
        try:
            fds = self._admit_modules()
            yield fds
        except BaseException:
            self.close()
            raise
        finally:
            for fd in fds.values():
                os.close(fd)

    def _check_admitted(self, module: str | None) -> None:
        if module is not None and module in self.refused:
            raise SubmissionFailure(self.refused[module], kind=FailureKind.MISSING)

    def _import_limit(self, import_time_limit_s: float | None) -> float:
        """The import's time limit: `import_time_limit_s`, at most (and by default) course.toml's time_limit_s."""
        return min(self.limits.time_limit_s, import_time_limit_s or self.limits.time_limit_s)

    def _spawn_request(
        self, exercise: str, module: str | None, seed: int, import_limit_s: float, submission_path: str, probes: str
    ) -> dict[str, Any]:
        """What a worker is told: its exercise, the student's module and folder, its limits and the pack's probes."""
        return {
            "op": wire.Op.SPAWN,
            "exercise": exercise,
            "module": module,
            "submission_dir": submission_path,
            "memory_limit_mb": self.limits.memory_limit_mb,
            "file_size_limit_mb": FILE_SIZE_LIMIT_MB,
            "seed": int(seed),
            "import_time_limit_s": import_limit_s,
            "probes": probes if exercise in self.probes else None,
        }

    def _greet(self, worker: WorkerEnd, exercise: str, module: str | None, import_limit_s: float) -> None:
        """Wait for the worker's hello (its own watchdog answers when the import runs out; the margin is the
        backstop) and raise what it says went wrong; the worker is ended on any failure."""
        started = time.monotonic()
        hello = worker.receive(
            import_limit_s + IMPORT_LIMIT_MARGIN_S, f"importing {module}.py" if module else "starting"
        )
        worker.import_s = time.monotonic() - started
        try:
            check_hello(
                hello, module=module, probes_path=self.probes.get(exercise), memory_limit_mb=self.limits.memory_limit_mb
            )
        except Exception:
            worker.finish()
            raise


def expect_ready(receive: Callable[[float], dict[str, Any]]) -> None:
    """Wait for a sandbox's first "ready": no student code runs before it, so a sandbox that cannot get there is the
    machine's problem (TensorFlow missing, bubblewrap broken), never a student's zero."""
    try:
        message = receive(STARTUP_TIMEOUT_S)
    except SubmissionFailure as failure:
        raise InternalError(
            f"the sandbox could not start ({failure.message}); run `grade doctor` to see what is missing"
        ) from failure
    if message.get("event") != wire.Event.READY:
        raise InternalError(f"the sandbox started with an unexpected message {message!r}")
