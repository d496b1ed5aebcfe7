"""Run student code in a child process: bubblewrap where it works, rlimits otherwise.

One `Sandbox` per submission holds a zygote (a child that imported TensorFlow once) inside
the isolation (see `grader.sandbox.isolation`); each exercise gets a `Worker` forked from it. Workers
answer probe requests with plain data; anything else (a crash, a timeout, too much output,
malformed data) becomes a `SubmissionFailure` that the suites report as a failed test.
Nothing of a sandbox outlives `close()`: its processes are killed (PID namespace, process
tree, dedicated uid) and its scratch area removed.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from grader.course.config import Limits
from grader.errors import InternalError
from grader.sandbox.bwrap import (
    SANDBOX_ROOT,
    SANDBOX_SUBMISSION,
    SCRATCH_SLACK_BYTES,
    bwrap_command,
    make_scratch,
    sandbox_probes_path,
)
from grader.sandbox.child import wire
from grader.sandbox.failures import FailureKind, SubmissionFailure, check_hello
from grader.sandbox.isolation import (
    BUBBLEWRAP,
    RLIMITS,
    Isolation,
    child_environment,
    detect_isolation,
    sandbox_process_limit,
)
from grader.sandbox.output import OutputDrain, tail_text
from grader.sandbox.processes import stop_session, sweep_uid
from grader.sandbox.uids import UidLease, remove_files_of
from grader.sandbox.worker import Worker

STARTUP_TIMEOUT_S = 180.0
CONTROL_TIMEOUT_S = 20.0
FILE_SIZE_LIMIT_MB = 64
# How long past the import limit the parent waits before it kills a worker that did not
# answer by itself (its own watchdog could not run: a C call holding the interpreter).
IMPORT_LIMIT_MARGIN_S = 5.0


class Sandbox:
    """The isolation for one submission: a scratch copy of its modules and a zygote.

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
        self._probes_root = SANDBOX_ROOT
        self.limits = limits
        self.isolation = isolation or detect_isolation()
        self.scratch: Path | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self.control: socket.socket | None = None
        self.drain: OutputDrain | None = None
        self.lease: UidLease | None = None
        # Modules that were not copied into the sandbox, and why (a link, a device, too big).
        self.refused: dict[str, str] = {}
        self._submission_path = SANDBOX_SUBMISSION
        self._ready = False

    # -- life cycle ------------------------------------------------------------------------

    def _open_module(self, module: str) -> int | None:
        """A read-only descriptor of the module, never following a link; None (and a reason) if refused."""
        path = self.submission_dir / f"{module}.py"
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except FileNotFoundError:
            return None
        except OSError as error:
            self.refused[module] = (
                f"{module}.py could not be read ({error.strerror}): hand in the file itself, not a link to it"
            )
            return None
        info = os.fstat(fd)
        problem = ""
        if not stat.S_ISREG(info.st_mode):
            problem = f"{module}.py is not a regular file: hand in the file itself"
        elif info.st_size > FILE_SIZE_LIMIT_MB * 1024 * 1024:
            problem = f"{module}.py is {info.st_size} bytes, over the {FILE_SIZE_LIMIT_MB} MB a module may have"
        if problem:
            os.close(fd)
            self.refused[module] = problem
            return None
        return fd

    def _open_modules(self, fds: dict[str, int]) -> None:
        """Fill `fds` with a read-only descriptor of each module that can be graded (the caller closes them)."""
        self.refused = {}
        for module in self.modules:
            fd = self._open_module(module)
            if fd is not None:
                fds[f"{module}.py"] = fd

    def start(self) -> Sandbox:
        """Copy the submission and launch the zygote; returns at once (it imports in the background)."""
        if self.isolation.dedicated_uid:
            self.lease = UidLease()
        parent_end, child_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.control = parent_end
        fds: dict[str, int] = {}
        try:
            self._open_modules(fds)
            if self.isolation.name == BUBBLEWRAP:
                self._submission_path = SANDBOX_SUBMISSION
                size = SCRATCH_SLACK_BYTES + sum(os.fstat(fd).st_size for fd in fds.values())
                self._probes_root = SANDBOX_ROOT
                command = bwrap_command(fds, size, child_end.fileno(), self.probes)
                environment = child_environment("/tmp", SANDBOX_ROOT)
                cwd = "/"
            else:
                command, environment, cwd = self._prepare_scratch(fds, child_end.fileno())
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                pass_fds=[child_end.fileno(), *fds.values()],
                env=environment,
                cwd=cwd,
                start_new_session=True,
            )
        except BaseException:
            self.close()
            raise
        finally:
            for fd in fds.values():
                os.close(fd)
            child_end.close()
        self.drain = OutputDrain(self.process.stdout)
        self.drain.start()
        return self

    def _prepare_scratch(self, fds: dict[str, int], control_fd: int) -> tuple[list[str], dict[str, str], str]:
        """The rlimits mode's host folder: the modules, a home, and a private copy of the child package."""
        self.scratch, workspace, home = make_scratch("grader-sandbox-", self.probes)
        self._probes_root = str(self.scratch / "gradekit")
        for name, fd in fds.items():
            with os.fdopen(os.dup(fd), "rb") as source, open(workspace / name, "wb") as target:
                shutil.copyfileobj(source, target)
        if self.lease is not None:
            for path in (workspace, home, *workspace.iterdir()):
                os.chown(path, self.lease.uid, self.lease.uid)
            os.chmod(self.scratch, 0o711)
        self._submission_path = str(workspace)
        command = [sys.executable, "-m", "gradechild", str(control_fd)]
        return command, child_environment(str(home), str(self.scratch / "gradekit")), str(workspace)

    def _control_receive(self, timeout: float) -> tuple[dict[str, Any], list[int]]:
        assert self.control is not None
        self.control.settimeout(timeout)
        try:
            data, fds, _, _ = socket.recv_fds(self.control, wire.CONTROL_LIMIT, 2)
        except (TimeoutError, OSError) as error:
            raise SubmissionFailure(
                f"the sandbox stopped answering ({type(error).__name__}); its last output: {self.output_tail()}",
                kind=FailureKind.SANDBOX,
            ) from error
        if not data:
            raise SubmissionFailure(
                "the sandbox ended (the submission killed it, or it could not start);"
                f" its last output: {self.output_tail()}",
                kind=FailureKind.SANDBOX,
            )
        try:
            message = json.loads(data)
        except ValueError as error:
            for fd in fds:
                os.close(fd)
            raise SubmissionFailure("the sandbox sent malformed data", kind=FailureKind.SANDBOX) from error
        return message, list(fds)

    def _ensure_ready(self) -> None:
        if self._ready:
            return
        if self.control is None:
            self.start()
        try:
            message, _ = self._control_receive(STARTUP_TIMEOUT_S)
        except SubmissionFailure as failure:
            # No student code runs before "ready": a sandbox that cannot start is the machine's
            # problem (TensorFlow missing, bubblewrap broken), never a student's zero.
            raise InternalError(
                f"the sandbox could not start ({failure.message}); run `grade doctor` to see what is missing"
            ) from failure
        if message.get("event") != wire.Event.READY:
            raise InternalError(f"the sandbox started with an unexpected message {message!r}")
        self._ready = True

    def restart(self) -> None:
        self.close()
        self._ready = False
        self.start()

    def expect_spawns(self, count: int) -> None:
        """Nothing to plan: a worker is a fork of the warm zygote, started when it is needed."""

    def close(self) -> None:
        """Kill everything the sandbox ran and remove its scratch area; safe to call twice."""
        if self.control is not None:
            self.control.close()
            self.control = None
        if self.process is not None:
            stop_session(self.process, pid_namespace=self.isolation.name == BUBBLEWRAP)
            self.process = None
        if self.lease is not None:
            sweep_uid(self.lease.uid)
            if self.isolation.name == RLIMITS:
                remove_files_of(self.lease.uid)
            self.lease.close()
            self.lease = None
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- workers ---------------------------------------------------------------------------

    def output_tail(self, limit: int = 600) -> str:
        return tail_text(self.drain.tail, limit) if self.drain else ""

    def spawn(
        self, exercise: str, module: str | None, *, seed: int, import_time_limit_s: float | None = None
    ) -> Worker:
        """Fork a worker for one exercise, its generators seeded with `seed`; it imports the
        student's module first, within `import_time_limit_s` (default: course.toml's time_limit_s).
        The worker itself stops an import that runs out and names the line it was running."""
        if module is not None and module in self.refused:
            raise SubmissionFailure(self.refused[module], kind=FailureKind.MISSING)
        self._ensure_ready()
        assert self.control is not None
        import_limit_s = min(self.limits.time_limit_s, import_time_limit_s or self.limits.time_limit_s)
        request = {
            "op": wire.Op.SPAWN,
            "exercise": exercise,
            "module": module,
            "submission_dir": self._submission_path,
            "memory_limit_mb": self.limits.memory_limit_mb,
            "file_size_limit_mb": FILE_SIZE_LIMIT_MB,
            "process_limit": sandbox_process_limit(self.isolation),
            "uid": self.lease.uid if self.lease is not None else None,
            "keep_read_access": self.isolation.name == RLIMITS,
            "seed": int(seed),
            "import_time_limit_s": import_limit_s,
            "probes": sandbox_probes_path(self._probes_root, exercise) if exercise in self.probes else None,
        }
        self.control.send(json.dumps(request).encode("utf-8"))
        message, fds = self._control_receive(CONTROL_TIMEOUT_S)
        if message.get("event") != wire.Event.SPAWNED or len(fds) != 2:
            for fd in fds:
                os.close(fd)
            raise SubmissionFailure(f"the sandbox could not start a worker: {message!r}", kind=FailureKind.SANDBOX)
        worker = Worker(self, int(message["pid"]), socket.socket(fileno=fds[0]), fds[1])
        worker.probes_path = self.probes.get(exercise)
        # The worker answers by itself when the import runs out; this is the backstop.
        limit = import_limit_s + IMPORT_LIMIT_MARGIN_S
        started = time.monotonic()
        hello = worker.receive(limit, during=f"importing {module}.py" if module else "starting")
        worker.import_s = time.monotonic() - started
        try:
            check_hello(
                hello, module=module, probes_path=self.probes.get(exercise), memory_limit_mb=self.limits.memory_limit_mb
            )
        except Exception:
            worker.finish()
            raise
        return worker

    def finish_worker(self, pid: int) -> dict[str, Any]:
        """Kill a worker's process group and whatever escaped it, reap it; returns its exit status."""
        if self.control is None:
            return {}
        try:
            self.control.send(json.dumps({"op": wire.Op.FINISH, "pid": pid}).encode("utf-8"))
            message, _ = self._control_receive(CONTROL_TIMEOUT_S)
            return message
        except (SubmissionFailure, OSError):
            # The zygote itself is gone (the submission killed it): start afresh next time.
            self.restart()
            return {}
