"""The socket transport of a `WorkerEnd`: a worker forked by a zygote (bubblewrap, rlimits, the warm pool).

Its answers come framed by `child.wire` over a stream socket, its stdout and stderr through its
own pipe; both are read with select() within the call's deadline, so a worker that floods or
half-sends cannot stall the parent.
"""

from __future__ import annotations

import os
import select
import socket
import time
from pathlib import Path
from typing import Any, Protocol

from grader.course.limits import Limits
from grader.sandbox.child import wire
from grader.sandbox.output import OUTPUT_TAIL_BYTES
from grader.sandbox.worker_end import Arrival, WorkerEnd

# The answer itself may be large: it may take this long beyond the call's own limit to arrive.
ANSWER_GRACE_S = 5.0


class WorkerHost(Protocol):
    """What a forked worker needs of the sandbox that forked it."""

    @property
    def limits(self) -> Limits: ...

    def finish_worker(self, pid: int) -> dict[str, Any]: ...


class ForkedWorker(WorkerEnd):
    """One forked child serving one exercise; its stdout and stderr come through its own pipe."""

    def __init__(
        self, sandbox: WorkerHost, pid: int, sock: socket.socket, output_fd: int, probes_path: Path | None = None
    ) -> None:
        super().__init__(pid, sandbox.limits, probes_path)
        self.sandbox = sandbox
        self.sock = sock
        self.output_fd: int | None = output_fd
        self._output_total = 0
        self._output_tail = b""

    @property
    def output_total(self) -> int:
        return self._output_total

    @property
    def output_tail(self) -> bytes:
        return self._output_tail

    def finish(self) -> dict[str, Any]:
        if not self.alive:
            return {}
        self.alive = False
        self.sock.close()
        if self.output_fd is not None:
            os.close(self.output_fd)
            self.output_fd = None
        return self.sandbox.finish_worker(self.pid)

    def _send(self, message: Any, timeout: float) -> None:
        self.sock.settimeout(timeout)
        self.sock.sendall(wire.encode(message))

    def _read_output(self) -> None:
        assert self.output_fd is not None
        chunk = os.read(self.output_fd, 65536)
        if not chunk:
            os.close(self.output_fd)
            self.output_fd = None
            return
        self._output_total += len(chunk)
        self._output_tail = (self._output_tail + chunk)[-OUTPUT_TAIL_BYTES:]

    def _next(self, deadline: float, timeout: float, during: str) -> tuple[Arrival, Any]:
        watched: list[Any] = [self.sock] + ([self.output_fd] if self.output_fd is not None else [])
        readable, _, _ = select.select(watched, [], [], max(0.0, deadline - time.monotonic()))
        if self.output_fd is not None and self.output_fd in readable:
            self._read_output()
            return Arrival.NOTHING, None
        if self.sock not in readable:
            return Arrival.NOTHING, None
        try:
            message = wire.read_message(
                lambda size, at_start: self._read_exactly(size, deadline, timeout, during, at_start=at_start)
            )
        except (wire.WireError, OSError, UnicodeDecodeError) as error:
            return Arrival.BROKEN, error
        if message is None:
            return Arrival.END, None
        return Arrival.MESSAGE, message

    def _read_exactly(self, size: int, deadline: float, timeout: float, during: str, *, at_start: bool) -> bytes | None:
        """`size` bytes of a message, read within the deadline (a worker cannot stall the parent)."""
        chunks: list[bytes] = []
        remaining = size
        self.sock.setblocking(False)
        try:
            while remaining:
                left = deadline + ANSWER_GRACE_S - time.monotonic()
                if left <= 0:
                    raise self.timeout_failure(timeout, during)
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
