"""The parent's end of one worker, whatever carries its messages: calls, limits, and what ended it.

A worker serves one exercise: it is either forked by a zygote (`forked_worker`, a socket and an
output pipe read with select) or a spawned interpreter (`spawned_worker`, pipes read by threads).
Both are a `WorkerEnd`: the transport only says what arrived; the calls, the time, output and
memory limits and every message that says why a worker failed are written here once, so the same
failure reads the same, and has the same exit code, at every isolation level.
"""

from __future__ import annotations

import enum
import signal
import time
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

from grader.course.limits import Limits
from grader.errors import ConfigError
from grader.results import Limit
from grader.sandbox.child import wire
from grader.sandbox.failures import FailureKind, SubmissionFailure, student_error
from grader.sandbox.output import tail_text


class Arrival(enum.Enum):
    """What a transport found while the parent waited for a message."""

    NOTHING = "nothing"  # not yet (or only output, which the transport counted)
    MESSAGE = "message"  # a whole message (its value comes along)
    BROKEN = "broken"  # malformed data (the error comes along)
    END = "end"  # the worker closed its end: it died


class WorkerEnd(ABC):
    """One exercise's process as the parent calls it; subclasses carry the messages."""

    def __init__(self, pid: int, limits: Limits, probes_path: Path | None) -> None:
        self.pid = pid
        self.limits = limits
        # The host path of the pack's probes.py this worker loaded, for the instructor's messages.
        self.probes_path = probes_path
        self.alive = True
        # Seconds the worker took to import the student's module (set by the sandbox that started it).
        self.import_s = 0.0

    # -- the transport ---------------------------------------------------------------------

    @abstractmethod
    def _send(self, message: Any, timeout: float) -> None:
        """Write one request; raises OSError when the worker cannot take it."""

    @abstractmethod
    def _next(self, deadline: float, timeout: float, during: str) -> tuple[Arrival, Any]:
        """Wait (at most until `deadline`) for what the worker sends, counting its output meanwhile."""

    @property
    @abstractmethod
    def output_total(self) -> int:
        """How many bytes the worker printed so far."""

    @property
    @abstractmethod
    def output_tail(self) -> bytes:
        """The end of what the worker printed."""

    @abstractmethod
    def finish(self) -> dict[str, Any]:
        """End the worker (killing what it started); its exit status, or {} when it had already ended."""

    def memory_exceeded(self) -> bool:
        """Whether the parent's own memory watchdog stopped the worker (forked workers have none)."""
        return False

    # -- the calls -------------------------------------------------------------------------

    def call(self, probe: str, timeout: float, during: str, **args: Any) -> Any:
        """Run the pack's `probe` on `args` and return its plain data, within the limits."""
        if not self.alive:
            raise SubmissionFailure("the process running your code has already ended", kind=FailureKind.CRASH)
        try:
            self._send({"probe": probe, "args": args}, timeout)
        except OSError as error:
            status = self.finish()
            raise SubmissionFailure(self._death_message(status, during), kind=FailureKind.CRASH) from error
        message = self.receive(timeout, during)
        if message.get("ok") is True and "value" in message:
            return message["value"]
        if isinstance(message.get("error"), dict):
            raise student_error(message["error"], during, self.limits.memory_limit_mb)
        if "protocol_error" in message:
            raise ConfigError(
                f"the exercise pack's probes.py answers {message['protocol_error']}: add the probe to"
                " PROBES, or fix the name its suite calls",
                path=self.probes_path,
            )
        raise self._malformed(during)

    def receive(self, timeout: float, during: str) -> dict[str, Any]:
        """The worker's next message; its output is counted meanwhile. Raises on a limit or bad data."""
        deadline = time.monotonic() + timeout
        output_mark = self.output_total
        while True:
            if self.output_total - output_mark > self.limits.output_limit_kb * 1024:
                raise self._fail(
                    f"output limit: your code printed more than {self.limits.output_limit_kb} KB while"
                    f" {during}, and was stopped; remove the prints from loops",
                    kind=FailureKind.OUTPUT,
                    limit=Limit.OUTPUT,
                )
            if self.memory_exceeded():
                raise self._memory_failure(during)
            if deadline - time.monotonic() <= 0:
                raise self.timeout_failure(timeout, during)
            arrival, value = self._next(deadline, timeout, during)
            if arrival is Arrival.MESSAGE:
                if not isinstance(value, dict):
                    raise self._malformed(during)
                return value
            if arrival is Arrival.BROKEN:
                raise self._malformed(during, value)
            if arrival is Arrival.END:
                # A watchdog may have killed it a moment before it said so.
                if self.memory_exceeded():
                    raise self._memory_failure(during)
                status = self.finish()
                raise SubmissionFailure(self._death_message(status, during), kind=FailureKind.CRASH)

    # -- the messages ----------------------------------------------------------------------

    def _fail(self, message: str, *, kind: FailureKind, limit: Limit | None = None) -> SubmissionFailure:
        self.finish()
        return SubmissionFailure(message, kind=kind, limit=limit)

    def timeout_failure(self, timeout: float, during: str) -> SubmissionFailure:
        """The time limit ran out: the worker is ended."""
        return self._fail(
            f"time limit: your code ran for more than {timeout:g} s while {during}, and was stopped;"
            " look for an endless loop or a wait",
            kind=FailureKind.TIMEOUT,
            limit=Limit.TIME,
        )

    def _memory_failure(self, during: str) -> SubmissionFailure:
        return self._fail(
            f"memory limit: your code used more than the memory limit of {self.limits.memory_limit_mb} MB while"
            f" {during} (the grader's watchdog stopped it); allocate smaller arrays",
            kind=FailureKind.MEMORY,
            limit=Limit.MEMORY,
        )

    def _malformed(self, during: str, error: object = None) -> SubmissionFailure:
        detail = f" ({error})" if error is not None else ""
        return self._fail(
            f"the process running your code sent malformed data while {during}{detail}", kind=FailureKind.PROTOCOL
        )

    def _death_message(self, status: dict[str, Any], during: str) -> str:
        return (
            f"the process running your code ended while {during}: {death_cause(status)}."
            f" Last output: {tail_text(self.output_tail, 300)}"
        )


# The exit code of a Windows process that read or wrote memory it does not own (a segmentation fault).
WINDOWS_ACCESS_VIOLATION = 0xC0000005


def death_cause(status: dict[str, Any]) -> str:
    """Why a worker ended, from its exit status (a signal where the system has them, else an exit code)."""
    if status.get("signal") == signal.SIGSEGV or status.get("exit_code") == WINDOWS_ACCESS_VIOLATION:
        return "it crashed with a segmentation fault"
    if status.get("signal") is not None and status.get("signal") in (getattr(signal, "SIGKILL", None), signal.SIGABRT):
        return f"it was killed by signal {status['signal']} (often: out of memory)"
    if status.get("exit_code") == wire.WorkerExit.SETUP_FAILED:
        return (
            "the sandbox could not set its limits or drop its privileges before running your code (a problem of"
            " the grader, not of your code: tell your instructor, who can run `grade doctor`)"
        )
    if status.get("exit_code") == wire.WorkerExit.HARNESS_BROKEN:
        return (
            "the grader's code inside that process failed, because your code patched or replaced"
            " something Python, NumPy or TensorFlow rely on (builtins, library functions); remove the patching"
        )
    if status.get("exit_code") is not None:
        return f"it exited with status {status['exit_code']} (a call to os._exit or exit in your code?)"
    return "it ended"
