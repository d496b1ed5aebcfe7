"""The parent's end of one worker: send a probe, read its answer within the limits.

A worker is forked by the sandbox's zygote for one exercise; its answers come framed by
`child.wire`, its stdout and stderr through its own pipe, counted against the output limit
while a call runs. A limit, a crash or malformed data becomes a `SubmissionFailure`.
"""

from __future__ import annotations

import os
import select
import signal
import socket
import time
from pathlib import Path
from typing import Any, Protocol

from grader.course.config import Limits
from grader.errors import ConfigError
from grader.results import Limit
from grader.sandbox.child import wire
from grader.sandbox.failures import FailureKind, SubmissionFailure, student_error
from grader.sandbox.output import OUTPUT_TAIL_BYTES, tail_text


class WorkerHost(Protocol):
    """What a worker needs of the sandbox that forked it."""

    @property
    def limits(self) -> Limits: ...

    def finish_worker(self, pid: int) -> dict[str, Any]: ...


class Worker:
    """One forked child serving one exercise; its stdout and stderr come through its own pipe."""

    def __init__(self, sandbox: WorkerHost, pid: int, sock: socket.socket, output_fd: int) -> None:
        self.sandbox = sandbox
        self.pid = pid
        self.sock = sock
        self.output_fd: int | None = output_fd
        self.output_total = 0
        self.output_tail = b""
        self.alive = True
        # Seconds the worker took to import the student's module (set by `Sandbox.spawn`).
        self.import_s = 0.0
        # The host path of the pack's probes.py this worker loaded (set by `Sandbox.spawn`), for messages.
        self.probes_path: Path | None = None

    def finish(self) -> dict[str, Any]:
        if not self.alive:
            return {}
        self.alive = False
        self.sock.close()
        if self.output_fd is not None:
            os.close(self.output_fd)
            self.output_fd = None
        return self.sandbox.finish_worker(self.pid)

    def _read_output(self) -> None:
        assert self.output_fd is not None
        chunk = os.read(self.output_fd, 65536)
        if not chunk:
            os.close(self.output_fd)
            self.output_fd = None
            return
        self.output_total += len(chunk)
        self.output_tail = (self.output_tail + chunk)[-OUTPUT_TAIL_BYTES:]

    def _fail(self, message: str, *, kind: FailureKind, limit: Limit | None = None) -> SubmissionFailure:
        self.finish()
        return SubmissionFailure(message, kind=kind, limit=limit)

    def receive(self, timeout: float, during: str) -> dict[str, Any]:
        """The worker's next message; its output is counted meanwhile. Raises on a limit or bad data."""
        deadline = time.monotonic() + timeout
        output_mark = self.output_total
        output_limit = self.sandbox.limits.output_limit_kb * 1024
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise self._timeout(timeout, during)
            watched: list[Any] = [self.sock] + ([self.output_fd] if self.output_fd is not None else [])
            readable, _, _ = select.select(watched, [], [], remaining)
            if self.output_fd is not None and self.output_fd in readable:
                self._read_output()
                if self.output_total - output_mark > output_limit:
                    raise self._fail(
                        f"output limit: your code printed more than {self.sandbox.limits.output_limit_kb} KB while"
                        f" {during}, and was stopped; remove the prints from loops",
                        kind=FailureKind.OUTPUT,
                        limit=Limit.OUTPUT,
                    )
            if self.sock in readable:
                break
        try:
            message = self._read_message(deadline, timeout, during)
        except (wire.WireError, OSError, UnicodeDecodeError) as error:
            raise self._fail(
                f"the process running your code sent malformed data while {during} ({error})", kind=FailureKind.PROTOCOL
            ) from error
        if message is None:
            status = self.finish()
            raise SubmissionFailure(self._death_message(status, during), kind=FailureKind.CRASH)
        if not isinstance(message, dict):
            raise self._fail(
                f"the process running your code sent malformed data while {during}", kind=FailureKind.PROTOCOL
            )
        return message

    def _timeout(self, timeout: float, during: str) -> SubmissionFailure:
        return self._fail(
            f"time limit: your code ran for more than {timeout:g} s while {during}, and was stopped;"
            " look for an endless loop or a wait",
            kind=FailureKind.TIMEOUT,
            limit=Limit.TIME,
        )

    def _read_message(self, deadline: float, timeout: float, during: str) -> Any:
        """One message framed by `wire`, read within the deadline (a worker cannot stall the parent)."""
        return wire.read_message(
            lambda size, at_start: self._read_exactly(size, deadline, timeout, during, at_start=at_start)
        )

    def _read_exactly(self, size: int, deadline: float, timeout: float, during: str, *, at_start: bool) -> bytes | None:
        chunks: list[bytes] = []
        remaining = size
        self.sock.setblocking(False)
        try:
            while remaining:
                # The answer itself may be large: allow it a little beyond the call's own limit.
                left = deadline + 5.0 - time.monotonic()
                if left <= 0:
                    raise self._timeout(timeout, during)
                readable, _, _ = select.select([self.sock], [], [], left)
                if not readable:
                    continue
                try:
                    chunk = self.sock.recv(min(remaining, 1 << 20))
                except BlockingIOError:
                    continue
                if not chunk:
                    if at_start and not chunks:
                        return None
                    raise wire.WireError("the message was cut off")
                chunks.append(chunk)
                remaining -= len(chunk)
        finally:
            if self.alive:
                self.sock.setblocking(True)
        return b"".join(chunks)

    def _death_message(self, status: dict[str, Any], during: str) -> str:
        return (
            f"the process running your code ended while {during}: {death_cause(status)}."
            f" Last output: {tail_text(self.output_tail, 300)}"
        )

    def call(self, probe: str, timeout: float, during: str, **args: Any) -> Any:
        if not self.alive:
            raise SubmissionFailure("the process running your code has already ended", kind=FailureKind.CRASH)
        try:
            self.sock.settimeout(timeout)
            self.sock.sendall(wire.encode({"probe": probe, "args": args}))
        except OSError as error:
            status = self.finish()
            raise SubmissionFailure(self._death_message(status, during), kind=FailureKind.CRASH) from error
        message = self.receive(timeout, during)
        if message.get("ok") is True and "value" in message:
            return message["value"]
        if isinstance(message.get("error"), dict):
            raise student_error(message["error"], during, self.sandbox.limits.memory_limit_mb)
        if "protocol_error" in message:
            raise ConfigError(
                f"the exercise pack's probes.py answers {message['protocol_error']}: add the probe to"
                " PROBES, or fix the name its suite calls",
                path=self.probes_path,
            )
        self.finish()
        raise SubmissionFailure(
            f"the process running your code sent malformed data while {during}", kind=FailureKind.PROTOCOL
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
