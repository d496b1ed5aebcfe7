"""The parent's end of one spawned interpreter (the portable level): pipes read by threads, limits from here.

No select() on pipes (Windows has it for sockets only), no fd passing, no signals: one thread
reads the child's `wire` frames from its stdout and queues them, another reads what the
student's code prints (its stderr pipe, where the child moved its stdout too) and counts it;
a watchdog thread sums the memory of the child's process tree with psutil and kills the tree
past the limit. `SpawnedWorker` is the pipe transport of a `WorkerEnd`: it waits on the queue
within the call's time limit, and its end kills the whole tree (psutil).
"""

from __future__ import annotations

import queue
import subprocess
import threading
import time
from pathlib import Path
from typing import IO, Any

import psutil

from grader.course.limits import Limits
from grader.sandbox.child import wire
from grader.sandbox.failures import SubmissionFailure
from grader.sandbox.output import OUTPUT_TAIL_BYTES
from grader.sandbox.processes import carrying, freeze_then_kill, kill_tree
from grader.sandbox.worker_end import Arrival, WorkerEnd

MEMORY_POLL_S = 0.1
# Forgetting the student's modules and Keras' state, then looking at the interpreter, takes well under this.
RELEASE_TIMEOUT_S = 30.0
SEND_TIMEOUT_S = 20.0
# Kinds of what the reader threads queue.
MESSAGE, END, BROKEN, MEMORY = "message", "end", "broken", "memory"
# How often a waiting call looks at the output count (the output thread queues nothing).
OUTPUT_POLL_S = 0.1


def new_group_options() -> dict[str, Any]:
    """Popen options that detach the child from the console's signals (Ctrl+C): a new session where
    the system has sessions, a new process group on Windows."""
    flag = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", None)
    if flag is not None:
        return {"creationflags": flag}
    return {"start_new_session": True}


def _close(stream: IO[bytes] | None) -> None:
    if stream is not None:
        try:
            stream.close()
        except OSError:
            pass


class SpawnedProcess:
    """One spawned child and the threads that read it; becomes a worker once it got its request."""

    def __init__(self, command: list[str], environment: dict[str, str], cwd: str, marker: tuple[str, str]) -> None:
        # (name, value) of the environment variable every process of this child's tree inherits.
        self.marker = marker
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**environment, marker[0]: marker[1]},
            cwd=cwd,
            **new_group_options(),
        )
        self.pid = self.process.pid
        self.events: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.output_total = 0
        self.output_tail = b""
        self.memory_limit_bytes: int | None = None
        self.memory_exceeded = False
        self.stopped = threading.Event()
        for target in (self._read_frames, self._read_output):
            threading.Thread(target=target, daemon=True).start()

    def _read_exactly(self, size: int, at_start: bool) -> bytes | None:
        stream = self.process.stdout
        assert stream is not None
        chunks: list[bytes] = []
        remaining = size
        while remaining:
            chunk = stream.read(remaining)
            if not chunk:
                if at_start and not chunks:
                    return None
                raise wire.WireError("the message was cut off")
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def _read_frames(self) -> None:
        try:
            while True:
                message = wire.read_message(self._read_exactly)
                if message is None:
                    self.events.put((END, None))
                    return
                self.events.put((MESSAGE, message))
        except (wire.WireError, OSError, ValueError, UnicodeDecodeError) as error:
            self.events.put((BROKEN, error))
        finally:
            _close(self.process.stdout)

    def _read_output(self) -> None:
        stream: IO[bytes] | None = self.process.stderr
        assert stream is not None
        while True:
            try:
                chunk = stream.read1(65536)  # type: ignore[attr-defined]
            except (OSError, ValueError):
                break
            if not chunk:
                break
            self.output_total += len(chunk)
            self.output_tail = (self.output_tail + chunk)[-OUTPUT_TAIL_BYTES:]
        _close(stream)

    def tree_memory(self) -> int:
        """Resident memory of the child and everything below it, in bytes."""
        try:
            root = psutil.Process(self.pid)
            processes = [root, *root.children(recursive=True)]
        except psutil.Error:
            return 0
        total = 0
        for process in processes:
            try:
                total += process.memory_info().rss
            except psutil.Error:
                continue
        return total

    def watch_memory(self, limit_mb: int) -> None:
        """From now on, kill the tree when it holds more than its present memory plus `limit_mb` (called again for
        the next exercise of a reused interpreter: the same watchdog, from the memory it holds then)."""
        watching = self.memory_limit_bytes is not None
        self.memory_limit_bytes = self.tree_memory() + limit_mb * 1024 * 1024
        if not watching:
            threading.Thread(target=self._watch_memory, daemon=True).start()

    def _watch_memory(self) -> None:
        while not self.stopped.wait(MEMORY_POLL_S):
            limit = self.memory_limit_bytes
            if limit is not None and self.tree_memory() > limit:
                self.memory_exceeded = True
                kill_tree(self.pid)
                self.events.put((MEMORY, None))
                return

    def send(self, message: Any) -> None:
        """Write one frame to the child's stdin; a child that does not read it within the limit is killed."""
        stream = self.process.stdin
        assert stream is not None
        failure: list[BaseException] = []

        def write() -> None:
            try:
                stream.write(wire.encode(message))
                stream.flush()
            except (OSError, ValueError) as error:
                failure.append(error)

        writer = threading.Thread(target=write, daemon=True)
        writer.start()
        writer.join(SEND_TIMEOUT_S)
        if writer.is_alive():
            self.stop()
            writer.join()
            raise BrokenPipeError("the child did not read its request")
        if failure:
            raise BrokenPipeError(str(failure[0]))

    def stop(self) -> dict[str, Any]:
        """Kill the whole tree and reap the child; returns its exit status. The reader threads close their pipes
        at their end (closing one here would wait for a read that a process which escaped the tree still holds)."""
        self.stopped.set()
        kill_tree(self.pid)
        code = self.process.wait()
        # What left the tree (a detached grandchild whose parent exited) still carries the marker.
        freeze_then_kill(lambda: carrying(*self.marker))
        if self.process.stdin is not None:
            try:
                self.process.stdin.close()
            except OSError:
                pass
        if code < 0:
            return {"signal": -code, "exit_code": None}
        return {"signal": None, "exit_code": code}


class SpawnedWorker(WorkerEnd):
    """One spawned interpreter serving one exercise: the pipe transport of a `WorkerEnd`."""

    def __init__(self, process: SpawnedProcess, limits: Limits, probes_path: Path | None = None) -> None:
        super().__init__(process.pid, limits, probes_path)
        self.process = process
        self.status: dict[str, Any] = {}

    def release(self) -> SpawnedProcess | None:
        """End this exercise and get the interpreter back for the submission's next one: the interpreter when it
        says it is as clean as before the student's code ran and nothing it started is left, else None (it is
        killed, as `finish` does). The worker is no longer alive either way (a new call spawns again)."""
        if not self.alive:
            return None
        try:
            self.process.send({"op": wire.Op.RELEASE})
            answer = self.receive(RELEASE_TIMEOUT_S, "ending the exercise")
        except (OSError, SubmissionFailure):
            self.finish()
            return None
        if answer.get("event") != wire.Event.RELEASED or answer.get("reusable") is not True or self._has_descendants():
            self.finish()
            return None
        self.alive = False
        return self.process

    def _has_descendants(self) -> bool:
        """Whether anything the student's code started is still there (or it cannot be looked at)."""
        try:
            if psutil.Process(self.pid).children(recursive=True):
                return True
            return any(pid != self.pid for pid in carrying(*self.process.marker))
        except psutil.Error:
            return True

    @property
    def output_total(self) -> int:
        return self.process.output_total

    @property
    def output_tail(self) -> bytes:
        return self.process.output_tail

    def memory_exceeded(self) -> bool:
        return self.process.memory_exceeded

    def finish(self) -> dict[str, Any]:
        if self.alive:
            self.alive = False
            self.status = self.process.stop()
        return self.status

    def _send(self, message: Any, timeout: float) -> None:
        self.process.send(message)

    def _next(self, deadline: float, timeout: float, during: str) -> tuple[Arrival, Any]:
        try:
            kind, value = self.process.events.get(timeout=max(0.0, min(deadline - time.monotonic(), OUTPUT_POLL_S)))
        except queue.Empty:
            return Arrival.NOTHING, None
        if kind == MESSAGE:
            return Arrival.MESSAGE, value
        if kind == BROKEN:
            return Arrival.BROKEN, value
        if kind == END:
            # The watchdog may have killed it a moment before it said so: give it time to say so.
            time.sleep(MEMORY_POLL_S)
            return Arrival.END, None
        return Arrival.NOTHING, None  # MEMORY: `memory_exceeded` says so
