"""The warm pool: one sandbox that has imported TensorFlow once and grades many submissions, one at a time.

`WarmPool` holds one long-lived zygote (`grader.sandbox.child.pool_zygote`) inside one bubblewrap (or,
at the rlimits level, as a plain process). It runs no op and no student code. Per submission,
`WarmPool.sandbox(folder, modules)` gives a `PooledSandbox`, the same interface as `Sandbox`:
on start, the modules' descriptors travel over the control socket (SCM_RIGHTS) and the pool
forks the submission's own zygote, which writes them into the pool's submission folder and
forks one worker per exercise, as a lone `Sandbox` does; at root the workers run as the
submission's own leased uid. On close, every process but the pool's own is killed and the
writable folders (bubblewrap: /tmp, /dev/shm, /submission; rlimits: the submission folder and
its home) are emptied and checked empty, before the next submission is opened: a submission
never has a neighbour, and leaves nothing to the next one.

The submission's side is `grader.sandbox.pool_submission`. A pool that dies or is damaged (a wipe that
fails, an unexpected message) while a submission is open records `damage` and stops;
`grader.grading.pool_retry` then grades that submission again in a fresh pool, once.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from grader.course.limits import Limits
from grader.errors import InternalError
from grader.sandbox.bwrap import (
    POOL_SCRATCH_BYTES,
    SANDBOX_ROOT,
    SANDBOX_SUBMISSION,
    SANDBOX_WRITABLE,
    bwrap_command,
    make_scratch,
)
from grader.sandbox.child import wire
from grader.sandbox.control import ControlledProcess, ControlLost, Launch
from grader.sandbox.engine import CONTROL_TIMEOUT_S, STARTUP_TIMEOUT_S, BaseSandbox
from grader.sandbox.isolation import BUBBLEWRAP, PORTABLE, RLIMITS, Isolation, child_environment, detect_isolation
from grader.sandbox.pool_submission import PoolBroken, PooledSandbox
from grader.sandbox.portable import PortableSandbox

# Killing the leftovers and emptying the folders (a full /tmp of small files) may take a while.
WIPE_TIMEOUT_S = 120.0


class WarmPool:
    """One warm zygote that serves submissions one after the other."""

    def __init__(
        self, limits: Limits, isolation: Isolation | None = None, probes: Mapping[str, Path] | None = None
    ) -> None:
        self.limits = limits
        # Each exercise's pack probes.py (`Course.probe_files`): mounted (or copied) once for the pool's life.
        self.probes = {exercise: Path(path).resolve() for exercise, path in (probes or {}).items()}
        self.probes_root = SANDBOX_ROOT
        self.isolation = isolation or detect_isolation()
        self.channel = ControlledProcess()
        self.scratch: Path | None = None
        self.folder = SANDBOX_SUBMISSION
        self.home = "/tmp"
        self.folders: tuple[str, ...] = SANDBOX_WRITABLE
        self._ready = False
        # Why the pool stopped while a submission was open (None: it did not).
        self.damage: str | None = None
        # How many times a pool process was started: the first start and every restart.
        self.starts = 0

    # -- life cycle ------------------------------------------------------------------------

    @property
    def alive(self) -> bool:
        return self.channel.alive

    def start(self) -> WarmPool:
        """Launch the pool's zygote; returns at once (it imports TensorFlow in the background)."""
        if self.channel.process is not None or self.isolation.name == PORTABLE:
            # Nothing forks at the portable level: each submission spawns its own interpreter.
            return self
        try:
            self.channel.launch(self._launch)
        except BaseException:
            self.close()
            raise
        self.starts += 1
        return self

    def _launch(self, control_fd: int) -> Launch:
        if self.isolation.name == BUBBLEWRAP:
            self.folder, self.home, self.folders = SANDBOX_SUBMISSION, "/tmp", SANDBOX_WRITABLE
            arguments = ("pool", "ns", *self.folders)
            self.probes_root = SANDBOX_ROOT
            command = bwrap_command({}, POOL_SCRATCH_BYTES, control_fd, self.probes, arguments)
            return command, child_environment("/tmp", SANDBOX_ROOT), "/"
        return self._prepare_scratch(control_fd)

    def _prepare_scratch(self, control_fd: int) -> Launch:
        """The rlimits level's host folder: the submission folder, a home, and a private copy of the child package."""
        self.scratch, workspace, home = make_scratch("grader-pool-", self.probes)
        self.probes_root = str(self.scratch / "gradekit")
        if self.isolation.dedicated_uid:
            os.chmod(self.scratch, 0o711)
        self.folder, self.home, self.folders = str(workspace), str(home), (str(workspace), str(home))
        command = [sys.executable, "-m", "gradechild", str(control_fd), "pool", "tree", *self.folders]
        return command, child_environment(self.home, str(self.scratch / "gradekit")), str(workspace)

    def _receive(self, timeout: float) -> tuple[dict[str, Any], list[int]]:
        try:
            return self.channel.receive(timeout)
        except ControlLost as lost:
            raise PoolBroken(f"the warm sandbox {lost.what}") from lost

    def _send(self, request: dict[str, Any], fds: list[int] | None = None) -> None:
        try:
            self.channel.send(request, fds)
        except OSError as error:
            raise PoolBroken(f"the warm sandbox could not be reached ({error})") from error

    def ensure_ready(self) -> None:
        """Start the pool if needed and wait until it has imported TensorFlow; a pool that cannot start is the machine's problem."""
        if self._ready and self.alive:
            return
        if not self.alive:
            self.close()
            self.start()
        try:
            message, _ = self._receive(STARTUP_TIMEOUT_S)
        except PoolBroken as broken:
            raise InternalError(
                f"the warm sandbox could not start ({broken}); its last output: {self.output_tail()}."
                " Run `grade doctor` to see what is missing"
            ) from broken
        if message.get("event") != wire.Event.READY:
            self.close()
            raise InternalError(f"the warm sandbox started with an unexpected message {message!r}")
        self._ready = True

    def mark_damaged(self, reason: str) -> None:
        """The pool stopped while a submission was open: record why and end it (the next open starts a fresh one)."""
        if self.damage is None:
            self.damage = f"{reason}; its last output: {self.output_tail()}"
        self.close()

    def prepare(self) -> None:
        """Before a submission: forget past damage, and drop a pool that ended while idle, which is
        no submission's doing (the submission's first open starts a fresh one)."""
        self.damage = None
        if self.channel.process is not None and not self.alive:
            self.close()

    def take_damage(self) -> str | None:
        """Why the pool stopped since the last call, or None; clears it."""
        damage, self.damage = self.damage, None
        return damage

    def restart(self) -> None:
        self.close()
        self.start()

    def close(self) -> None:
        """Kill the pool and everything it ran, remove its scratch folder; safe to call twice."""
        self._ready = False
        self.channel.stop(pid_namespace=self.isolation.name == BUBBLEWRAP)
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None

    def __enter__(self) -> WarmPool:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def output_tail(self, limit: int = 600) -> str:
        return self.channel.output_tail(limit)

    # -- submissions -----------------------------------------------------------------------

    def sandbox(self, submission_dir: Path, modules: list[str], limits: Limits | None = None) -> BaseSandbox:
        """The sandbox of one submission, served by this pool (opened by its `start`), under `limits`
        (default: the pool's own); at the portable level, where nothing forks, a sandbox of its own."""
        if self.isolation.name == PORTABLE:
            return PortableSandbox(submission_dir, modules, limits or self.limits, self.isolation, probes=self.probes)
        return PooledSandbox(self, submission_dir, modules, limits or self.limits)

    def open(self, fds: dict[str, int], uid: int | None) -> socket.socket:
        """Fork a submission's zygote with these modules; its control socket. Raises `PoolBroken`."""
        if self.channel.process is not None and not self.alive:
            raise PoolBroken("the warm sandbox had ended")
        self.ensure_ready()
        names = sorted(fds)
        request = {
            "op": wire.Op.OPEN,
            "names": names,
            "folder": self.folder,
            "home": self.home,
            "owner": uid if self.isolation.name == RLIMITS else None,
        }
        self._send(request, [fds[name] for name in names])
        message, received = self._receive(CONTROL_TIMEOUT_S)
        if message.get("event") != wire.Event.OPENED or len(received) != 1:
            for fd in received:
                os.close(fd)
            raise PoolBroken(f"the warm sandbox answered {message!r} to an open")
        return socket.socket(fileno=received[0])

    def wipe(self, uid: int | None) -> None:
        """Kill every process but the pool's, empty its writable folders and check them. Raises `PoolBroken`."""
        if not self.alive or self.channel.control is None:
            raise PoolBroken("the warm sandbox had ended")
        self._send({"op": wire.Op.WIPE, "uid": uid, "folders": list(self.folders)})
        message, received = self._receive(WIPE_TIMEOUT_S)
        for fd in received:
            os.close(fd)
        if message.get("event") != wire.Event.WIPED or not isinstance(message.get("left"), list):
            raise PoolBroken(f"the warm sandbox answered {message!r} to a wipe")
        if message["left"]:
            raise PoolBroken(f"the wipe left {', '.join(map(str, message['left'][:10]))}")
