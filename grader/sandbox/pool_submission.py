"""One submission's sandbox inside a warm pool (`grader.sandbox.warm_pool`): a `ZygoteSandbox` served by a fork.

`PooledSandbox.start` leases the submission's uid and hands its modules to the pool, which forks
the submission's own zygote; spawning and finishing workers then goes exactly as in a `ZygoteSandbox`.
`close` ends the zygote and asks the pool to kill every leftover and empty its folders, then
sweeps the uid on the host. A pool that breaks meanwhile is recorded on the pool (`damage`),
and every later call of this grading fails at once: `grader.grading.pool_retry` grades it again.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Protocol

from grader.course.limits import Limits
from grader.sandbox.child import wire
from grader.sandbox.engine import STARTUP_TIMEOUT_S
from grader.sandbox.failures import FailureKind, SubmissionFailure
from grader.sandbox.isolation import RLIMITS, Isolation
from grader.sandbox.processes import sweep_uid
from grader.sandbox.uids import UidLease, remove_files_of
from grader.sandbox.zygote_sandbox import ZygoteSandbox


class PoolBroken(Exception):
    """The pool cannot serve the submission open now (it died, or answered out of turn)."""


class SubmissionHost(Protocol):
    """What a submission's sandbox needs of the warm pool that forks its zygote (`warm_pool.WarmPool`)."""

    isolation: Isolation
    probes: dict[str, Path]
    folder: str
    probes_root: str
    damage: str | None

    @property
    def alive(self) -> bool: ...

    def open(self, fds: dict[str, int], uid: int | None) -> socket.socket: ...

    def wipe(self, uid: int | None) -> None: ...

    def mark_damaged(self, reason: str) -> None: ...

    def output_tail(self, limit: int = 600) -> str: ...


class PooledSandbox(ZygoteSandbox):
    """One submission's sandbox inside a `WarmPool`: a forked zygote instead of a new process."""

    def __init__(self, pool: SubmissionHost, submission_dir: Path, modules: list[str], limits: Limits) -> None:
        super().__init__(submission_dir, modules, limits, pool.isolation, probes=pool.probes)
        self.pool = pool
        self._opened = False

    def start(self) -> PooledSandbox:
        """Open the submission in the pool (the modules travel as descriptors); a broken pool is recorded."""
        if self.isolation.dedicated_uid and self.lease is None:
            self.lease = UidLease()
        if self.pool.damage is not None:
            self._opened = True
            return self  # The pool stopped during this grading, which is to be done again: no fresh pool for it.
        fds: dict[str, int] = {}
        try:
            fds = self._admit_modules()
            # A pool that cannot start at all raises InternalError here (the machine's problem, not this submission's).
            self.channel.control = self.pool.open(fds, self.lease.uid if self.lease is not None else None)
            self._submission_path = self.pool.folder
            self._probes_root = self.pool.probes_root
            self._opened = True
        except PoolBroken as broken:
            self._opened = True
            self.pool.mark_damaged(str(broken))
        finally:
            for fd in fds.values():
                os.close(fd)
        return self

    def _ensure_ready(self) -> None:
        if self._ready:
            return
        if not self._opened:
            self.start()
        if self.channel.control is None:
            raise SubmissionFailure(
                f"the warm sandbox ended ({self.pool.damage or 'no reason given'}); this submission is graded again",
                kind=FailureKind.SANDBOX,
            )
        # Nothing of the student's runs before "ready": a zygote that cannot get there is the pool's fault.
        try:
            message, _ = self._control_receive(STARTUP_TIMEOUT_S)
        except SubmissionFailure as failure:
            self.pool.mark_damaged(f"a submission's zygote did not start: {failure.message}")
            raise
        if message.get("event") != wire.Event.READY:
            self.pool.mark_damaged(f"a submission's zygote started with an unexpected message {message!r}")
            raise SubmissionFailure("the warm sandbox answered out of turn", kind=FailureKind.SANDBOX)
        self._ready = True

    def output_tail(self, limit: int = 600) -> str:
        return self.pool.output_tail(limit)

    def restart(self) -> None:
        self.close()
        self._ready = False
        self.start()

    def close(self) -> None:
        """End the submission's processes and files (the pool stays warm); safe to call twice."""
        self._ready = False
        self.channel.stop(pid_namespace=False)
        uid = self.lease.uid if self.lease is not None else None
        if self._opened and self.pool.alive:
            try:
                self.pool.wipe(uid)
            except PoolBroken as broken:
                self.pool.mark_damaged(str(broken))
        elif self._opened:
            self.pool.mark_damaged("the warm sandbox ended while this submission was graded")
        self._opened = False
        if self.lease is not None:
            sweep_uid(self.lease.uid)
            if self.isolation.name == RLIMITS:
                remove_files_of(self.lease.uid)
            self.lease.close()
            self.lease = None
