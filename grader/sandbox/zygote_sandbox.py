"""The bubblewrap and rlimits levels: a zygote per submission, one forked worker per exercise.

One `ZygoteSandbox` per submission holds a zygote (a child that imported TensorFlow once) inside
the isolation (see `grader.sandbox.isolation`); each exercise gets a `ForkedWorker` forked from it.
Workers answer probe requests with plain data; anything else (a crash, a timeout, too much output,
malformed data) becomes a `SubmissionFailure` that the suites report as a failed test.
Nothing of a sandbox outlives `close()`: its processes are killed (PID namespace, process
tree, dedicated uid) and its scratch area removed.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
from pathlib import Path
from typing import Any

from grader.sandbox.bwrap import (
    SANDBOX_ROOT,
    SANDBOX_SUBMISSION,
    SCRATCH_SLACK_BYTES,
    bwrap_command,
    make_scratch,
    sandbox_probes_path,
)
from grader.sandbox.child import wire
from grader.sandbox.control import ControlledProcess, ControlLost, Launch
from grader.sandbox.engine import CONTROL_TIMEOUT_S, BaseSandbox, copy_modules, expect_ready
from grader.sandbox.failures import FailureKind, SubmissionFailure
from grader.sandbox.forked_worker import ForkedWorker
from grader.sandbox.isolation import BUBBLEWRAP, RLIMITS, child_environment, sandbox_process_limit
from grader.sandbox.processes import sweep_uid
from grader.sandbox.uids import UidLease, remove_files_of


class ZygoteSandbox(BaseSandbox):
    """The isolation for one submission: a scratch copy of its modules and a zygote that forks its workers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._probes_root = SANDBOX_ROOT
        self.scratch: Path | None = None
        self.channel = ControlledProcess()
        self.lease: UidLease | None = None
        self._submission_path = SANDBOX_SUBMISSION
        self._ready = False

    # -- life cycle ------------------------------------------------------------------------

    def start(self) -> ZygoteSandbox:
        """Copy the submission and launch the zygote; returns at once (it imports in the background)."""
        if self.isolation.dedicated_uid:
            self.lease = UidLease()
        with self._starting() as fds:
            self.channel.launch(lambda control_fd: self._launch(fds, control_fd), list(fds.values()))
        return self

    def _launch(self, fds: dict[str, int], control_fd: int) -> Launch:
        if self.isolation.name == BUBBLEWRAP:
            self._submission_path = SANDBOX_SUBMISSION
            size = SCRATCH_SLACK_BYTES + sum(os.fstat(fd).st_size for fd in fds.values())
            self._probes_root = SANDBOX_ROOT
            command = bwrap_command(fds, size, control_fd, self.probes)
            return command, child_environment("/tmp", SANDBOX_ROOT), "/"
        return self._prepare_scratch(fds, control_fd)

    def _prepare_scratch(self, fds: dict[str, int], control_fd: int) -> Launch:
        """The rlimits mode's host folder: the modules, a home, and a private copy of the child package."""
        self.scratch, workspace, home = make_scratch("grader-sandbox-", self.probes)
        self._probes_root = str(self.scratch / "gradekit")
        copy_modules(fds, workspace)
        if self.lease is not None:
            for path in (workspace, home, *workspace.iterdir()):
                os.chown(path, self.lease.uid, self.lease.uid)
            os.chmod(self.scratch, 0o711)
        self._submission_path = str(workspace)
        command = [sys.executable, "-m", "gradechild", str(control_fd)]
        return command, child_environment(str(home), str(self.scratch / "gradekit")), str(workspace)

    def _control_receive(self, timeout: float) -> tuple[dict[str, Any], list[int]]:
        try:
            return self.channel.receive(timeout)
        except ControlLost as lost:
            ended = " (the submission killed it, or it could not start)" if lost.what == "ended" else ""
            tail = "" if lost.what.startswith("sent") else f"; its last output: {self.output_tail()}"
            raise SubmissionFailure(f"the sandbox {lost.what}{ended}{tail}", kind=FailureKind.SANDBOX) from lost

    def _ensure_ready(self) -> None:
        if self._ready:
            return
        if self.channel.control is None:
            self.start()
        expect_ready(lambda timeout: self._control_receive(timeout)[0])
        self._ready = True

    def restart(self) -> None:
        self.close()
        self._ready = False
        self.start()

    def close(self) -> None:
        """Kill everything the sandbox ran and remove its scratch area; safe to call twice."""
        self.channel.stop(pid_namespace=self.isolation.name == BUBBLEWRAP)
        if self.lease is not None:
            sweep_uid(self.lease.uid)
            if self.isolation.name == RLIMITS:
                remove_files_of(self.lease.uid)
            self.lease.close()
            self.lease = None
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None

    # -- workers ---------------------------------------------------------------------------

    def output_tail(self, limit: int = 600) -> str:
        return self.channel.output_tail(limit)

    def spawn(
        self, exercise: str, module: str | None, *, seed: int, import_time_limit_s: float | None = None
    ) -> ForkedWorker:
        """Fork a worker for one exercise, its generators seeded with `seed`; it imports the
        student's module first, within `import_time_limit_s` (default: course.toml's time_limit_s).
        The worker itself stops an import that runs out and names the line it was running."""
        self._check_admitted(module)
        self._ensure_ready()
        import_limit_s = self._import_limit(import_time_limit_s)
        probes = sandbox_probes_path(self._probes_root, exercise)
        request = self._spawn_request(exercise, module, seed, import_limit_s, self._submission_path, probes)
        request["process_limit"] = sandbox_process_limit(self.isolation)
        request["uid"] = self.lease.uid if self.lease is not None else None
        request["keep_read_access"] = self.isolation.name == RLIMITS
        self.channel.send(request)
        message, fds = self._control_receive(CONTROL_TIMEOUT_S)
        if message.get("event") != wire.Event.SPAWNED or len(fds) != 2:
            for fd in fds:
                os.close(fd)
            raise SubmissionFailure(f"the sandbox could not start a worker: {message!r}", kind=FailureKind.SANDBOX)
        worker = ForkedWorker(
            self, int(message["pid"]), socket.socket(fileno=fds[0]), fds[1], self.probes.get(exercise)
        )
        self._greet(worker, exercise, module, import_limit_s)
        return worker

    def finish_worker(self, pid: int) -> dict[str, Any]:
        """Kill a worker's process group and whatever escaped it, reap it; returns its exit status."""
        if self.channel.control is None:
            return {}
        try:
            self.channel.send({"op": wire.Op.FINISH, "pid": pid})
            message, _ = self._control_receive(CONTROL_TIMEOUT_S)
            return message
        except (SubmissionFailure, OSError):
            # The zygote itself is gone (the submission killed it): start afresh next time.
            self.restart()
            return {}
