"""The first process of a forking sandbox (a submission's zygote, or the warm pool) and its control socket.

`ControlledProcess` is the life cycle `ZygoteSandbox` and `WarmPool` share: launch the process with
the child's end of a SOCK_SEQPACKET socket, drain what it prints, exchange one JSON object per
packet (descriptors attached), and kill it with everything it ran. What the other side does
wrong is a `ControlLost`, which each sandbox words for its own reader.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
from collections.abc import Callable
from typing import Any

from grader.sandbox.child import wire
from grader.sandbox.output import OutputDrain, tail_text
from grader.sandbox.processes import stop_session

# A command line, its environment and its working folder, for the child's end of the control socket.
Launch = tuple[list[str], dict[str, str], str]


class ControlLost(Exception):
    """The process on the other end of the control socket stopped answering, ended, or sent malformed data."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        # What happened, worded to follow "the sandbox ...".
        self.what = what


class ControlledProcess:
    """One launched zygote (or pool) and the parent's end of its control socket."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.control: socket.socket | None = None
        self.drain: OutputDrain | None = None

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def launch(self, build: Callable[[int], Launch], pass_fds: list[int] | None = None) -> None:
        """Start the process `build(control_fd)` describes, in a session of its own; `pass_fds` travel with it."""
        parent_end, child_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.control = parent_end
        try:
            command, environment, cwd = build(child_end.fileno())
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                pass_fds=[child_end.fileno(), *(pass_fds or [])],
                env=environment,
                cwd=cwd,
                start_new_session=True,
            )
        finally:
            child_end.close()
        self.drain = OutputDrain(self.process.stdout)
        self.drain.start()

    def send(self, request: dict[str, Any], fds: list[int] | None = None) -> None:
        """One request; raises OSError when the process cannot be reached."""
        assert self.control is not None
        data = json.dumps(request).encode("utf-8")
        if fds:
            socket.send_fds(self.control, [data], fds)
        else:
            self.control.send(data)

    def receive(self, timeout: float) -> tuple[dict[str, Any], list[int]]:
        """The next answer and the descriptors attached to it. Raises `ControlLost`."""
        assert self.control is not None
        self.control.settimeout(timeout)
        try:
            data, fds, _, _ = socket.recv_fds(self.control, wire.CONTROL_LIMIT, 2)
        except (TimeoutError, OSError) as error:
            raise ControlLost(f"stopped answering ({type(error).__name__})") from error
        if not data:
            raise ControlLost("ended")
        try:
            message = json.loads(data)
            if not isinstance(message, dict):
                raise ValueError("not an object")
        except ValueError as error:
            for fd in fds:
                os.close(fd)
            raise ControlLost("sent malformed data") from error
        return message, list(fds)

    def output_tail(self, limit: int = 600) -> str:
        return tail_text(self.drain.tail, limit) if self.drain else ""

    def stop(self, *, pid_namespace: bool) -> None:
        """Close the control socket and kill the process with everything it ran; safe to call twice."""
        if self.control is not None:
            self.control.close()
            self.control = None
        if self.process is not None:
            stop_session(self.process, pid_namespace=pid_namespace)
            self.process = None
