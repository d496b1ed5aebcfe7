"""The portable level: a submission's exercises in a freshly spawned, isolated interpreter (Windows, macOS, forced on Linux).

`PortableSandbox` is a `BaseSandbox` (`grader.sandbox.engine`), as the other levels' sandboxes are. It copies the
submission's modules and the child package into a scratch folder (tempfile) and starts an
interpreter (`python -I -B -u -X utf8 -c BOOTSTRAP`, cwd the scratch copy, an environment
allowlist) that imports TensorFlow. `spawn` hands it the exercise's request; the next
`spawn` asks for it back (`SpawnedWorker.release`): it forgets the student's modules and
Keras' state and serves the next exercise, importing the student's module afresh, unless it
finds that the student's code changed it (`child.reuse`) or left a process behind; then it
is killed and a fresh interpreter takes the exercise. One TensorFlow import per submission,
not one per exercise. No fork, no /proc, no `resource`, no POSIX signals in the parent: the time limit is
the parent killing the child's process tree (psutil), the output limit is counted on the
pipes, the memory limit is RLIMIT_AS where the child has it plus a psutil watchdog here.
What this level does not protect is `isolation.PORTABLE_GAPS`.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from grader.sandbox.bwrap import make_scratch, sandbox_probes_path
from grader.sandbox.child import foreign_os, wire
from grader.sandbox.child.spawned import DOUBLE_FLAG
from grader.sandbox.engine import BaseSandbox, copy_modules, expect_ready
from grader.sandbox.failures import FailureKind, SubmissionFailure
from grader.sandbox.isolation import portable_environment
from grader.sandbox.output import tail_text
from grader.sandbox.spawned_worker import SpawnedProcess, SpawnedWorker

# Every process a portable sandbox starts carries this variable (inherited by what the student's code
# starts), "<grader pid>-<sandbox token>-<n>": ending a worker kills whatever holds its value, a daemon that
# left the tree included.
MARKER_VARIABLE = "GRADER_SANDBOX_MARKER"
BOOTSTRAP = "import sys; sys.path.insert(0, sys.argv[1]); from gradechild.spawned import main; main(sys.argv[2:])"


def marker_for(token: str) -> str:
    """The sandbox's part of the marker: the grader's pid (so a test can tell its own sandboxes) and a token."""
    return f"{os.getpid()}-{token}"


class PortableSandbox(BaseSandbox):
    """A scratch copy of one submission's modules and the spawned interpreter that grades them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scratch: Path | None = None
        self.spare: SpawnedProcess | None = None
        self.workers: list[SpawnedWorker] = []
        # The worker whose interpreter the next exercise asks for back.
        self.current: SpawnedWorker | None = None
        self.marker = marker_for(secrets.token_hex(8))
        self._started = 0
        # How many workers the grading will ask for, when it said (`expect_spawns`): with none, no
        # interpreter is started ahead (each costs a TensorFlow import).
        self.expected_spawns: int | None = None
        self._last_output = b""

    # -- life cycle ------------------------------------------------------------------------

    def start(self) -> PortableSandbox:
        """Copy the submission and start its interpreter; returns at once (it imports in the background)."""
        with self._starting() as fds:
            self.scratch, workspace, _ = make_scratch("grader-portable-", self.probes)
            copy_modules(fds, workspace)
            if self.expected_spawns != 0:
                self._start_spare()
        return self

    def expect_spawns(self, count: int) -> None:
        """The grading will ask for `count` workers (none: no interpreter is started ahead)."""
        self.expected_spawns = max(0, count)

    def _start_spare(self) -> None:
        assert self.scratch is not None
        command = [sys.executable, "-I", "-B", "-u", "-X", "utf8", "-c", BOOTSTRAP, str(self.scratch / "gradekit")]
        if foreign_os.installed():
            command.append(DOUBLE_FLAG)
        environment = portable_environment(str(self.scratch / "home"))
        self._started += 1
        marker = (MARKER_VARIABLE, f"{self.marker}-{self._started}")
        self.spare = SpawnedProcess(command, environment, str(self.scratch / "submission"), marker)

    def close(self) -> None:
        """Kill everything the sandbox ran and remove its scratch folder; safe to call twice."""
        for worker in self.workers:
            worker.finish()
        self.workers.clear()
        self.current = None
        if self.spare is not None:
            self._last_output = self.spare.output_tail
            self.spare.stop()
            self.spare = None
        if self.scratch is not None:
            # A process that just died may still hold a file open on Windows: try a few times.
            for _ in range(20):
                shutil.rmtree(self.scratch, ignore_errors=True)
                if not self.scratch.exists():
                    break
                time.sleep(0.1)
            self.scratch = None

    # -- workers ---------------------------------------------------------------------------

    def output_tail(self, limit: int = 600) -> str:
        return tail_text(self.spare.output_tail if self.spare is not None else self._last_output, limit)

    def _take_spare(self) -> SpawnedProcess:
        """The spare, once it has imported TensorFlow and said so; a spare that cannot start is the machine's problem."""
        if self.scratch is None:
            self.start()
        if self.spare is None:
            self._start_spare()
        spare = self.spare
        assert spare is not None
        self.spare = None
        worker = SpawnedWorker(spare, self.limits)

        def ready(timeout: float) -> dict[str, Any]:
            try:
                message = worker.receive(timeout, "starting")
            except SubmissionFailure:
                self._last_output = spare.output_tail
                raise
            if message.get("event") != wire.Event.READY:
                worker.finish()
            return message

        expect_ready(ready)
        return spare

    def _interpreter(self) -> SpawnedProcess:
        """The interpreter of the previous exercise, given back clean, else a fresh one (started now if needed)."""
        current, self.current = self.current, None
        if current is not None:
            process = current.release()
            if process is not None:
                return process
        return self._take_spare()

    def spawn(
        self, exercise: str, module: str | None, *, seed: int, import_time_limit_s: float | None = None
    ) -> SpawnedWorker:
        """Hand one exercise to the interpreter (the previous exercise's, given back, or a fresh one); it imports
        the student's module first, within `import_time_limit_s` (default: course.toml's time_limit_s). The
        previous exercise's worker is no longer alive after this (a later call to it spawns it again)."""
        self._check_admitted(module)
        process = self._interpreter()
        assert self.scratch is not None
        import_limit_s = self._import_limit(import_time_limit_s)
        probes = sandbox_probes_path(str(self.scratch / "gradekit"), exercise)
        request = self._spawn_request(exercise, module, seed, import_limit_s, str(self.scratch / "submission"), probes)
        worker = SpawnedWorker(process, self.limits, self.probes.get(exercise))
        self.workers.append(worker)
        self.current = worker
        process.watch_memory(self.limits.memory_limit_mb)
        try:
            process.send(request)
        except OSError as error:
            worker.finish()
            raise SubmissionFailure(
                f"the sandbox could not start a worker: {error}", kind=FailureKind.SANDBOX
            ) from error
        self._greet(worker, exercise, module, import_limit_s)
        return worker

    def finish_worker(self, pid: int) -> dict[str, Any]:
        """Kill the process tree of the live worker `pid` and reap it; returns its exit status."""
        for worker in self.workers:
            if worker.pid == pid and worker.alive:
                return worker.finish()
        return {}
