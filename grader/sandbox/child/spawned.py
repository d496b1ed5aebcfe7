"""A spawned worker, the portable level's child: a fresh interpreter for a submission's exercises, no fork.

Started as `python -I -B -u -X utf8 -c BOOTSTRAP <gradekit folder> [foreign-os-double]` in a
scratch folder (see `grader.sandbox.portable`). It speaks `wire` frames over its own stdin
and stdout, which it first moves aside (os.dup): the student's code gets an empty stdin,
and its stdout and stderr both go to the stderr pipe, which the parent counts against the
output limit. It imports TensorFlow, says "ready", waits for a spawn request, sets the
limits the system offers (RLIMIT_AS and RLIMIT_FSIZE where `resource` exists; the parent
watches memory everywhere), then serves the probes exactly as a forked worker does
(`exercise_worker.serve`). When the parent asks for it back (`Op.RELEASE`), it forgets the student's
modules and says whether it can serve the submission's next exercise (`child.reuse`); if
not, it ends.
Nothing here needs fork, `resource`, /proc, POSIX signals or /tmp.
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import Any

from . import wire

DOUBLE_FLAG = "foreign-os-double"


class PipeChannel:
    """`wire` frames over two file descriptors (pipes: no socket, no select, no fd passing)."""

    def __init__(self, read_fd: int, write_fd: int) -> None:
        self.read_fd = read_fd
        self.write_fd = write_fd

    def send(self, message: Any) -> None:
        data = memoryview(wire.encode(message))
        while data:
            written = os.write(self.write_fd, data[: 1 << 20])
            data = data[written:]

    def _read_exactly(self, size: int) -> bytes | None:
        chunks = []
        remaining = size
        while remaining:
            chunk = os.read(self.read_fd, min(remaining, 1 << 20))
            if not chunk:
                return None
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def receive(self) -> Any:
        return wire.read_message(lambda size, at_start: self._read_exactly(size))


def _take_protocol_pipes() -> PipeChannel:
    """Keep stdin and stdout for the protocol; the student's code gets an empty stdin and the stderr pipe."""
    read_fd, write_fd = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)
    for stream in (sys.stdout, sys.stderr):
        # Whatever the console's code page, a print never fails on a character.
        stream.reconfigure(encoding="utf-8", errors="backslashreplace")  # type: ignore[union-attr]
    return PipeChannel(read_fd, write_fd)


def _virtual_memory_bytes() -> int | None:
    """This process's address space (Linux's /proc), or None where it cannot be read."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def apply_limits(request: dict[str, Any]) -> list[str]:
    """The rlimits this system offers; returns the ones set. The parent watches time, output and memory anyway.

    The address space: the exercise may add the memory limit to what the interpreter holds now (the soft
    limit, renewed for each exercise by `renew_memory_limit`), and the interpreter never more than twice the
    limit to what it held before its first exercise (the hard limit, set once: nothing can raise it)."""
    try:
        import resource
    except ImportError:
        return []
    applied = ["core", "file size"]
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    file_size = int(request["file_size_limit_mb"]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))
    current = _virtual_memory_bytes()
    if current is not None and hasattr(resource, "RLIMIT_AS"):
        limit = int(request["memory_limit_mb"]) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (current + limit, current + 2 * limit))
        applied.append("address space")
    return applied


def renew_memory_limit(request: dict[str, Any]) -> bool:
    """Set the next exercise's soft address-space limit, what the interpreter holds now plus the memory limit,
    as the interpreter is given back; False when the hard limit leaves less than that (the previous exercise
    kept too much) or it cannot tell: the interpreter is then not reused."""
    import resource

    current = _virtual_memory_bytes()
    if current is None:
        return False
    wanted = current + int(request["memory_limit_mb"]) * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY and wanted > hard:
        return False
    resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    return True


def main(argv: list[str]) -> None:
    if DOUBLE_FLAG in argv:
        from . import foreign_os

        foreign_os.install()
    channel = _take_protocol_pipes()
    # Warm imports: the expensive part, done while the parent grades the previous exercise.
    import keras  # noqa: F401
    import numpy  # noqa: F401
    import tensorflow  # noqa: F401

    from . import exercise_worker, reuse

    picture = reuse.Picture()
    channel.send({"event": wire.Event.READY, "pid": os.getpid()})
    applied: list[str] | None = None
    while True:
        request = channel.receive()
        if not isinstance(request, dict) or request.get("op") != wire.Op.SPAWN:
            os._exit(0)
        try:
            if applied is None:
                applied = apply_limits(request)
        except Exception:  # noqa: BLE001 - never run student code without the limits it should have.
            traceback.print_exc()
            os._exit(wire.WorkerExit.SETUP_FAILED)
        try:
            released = exercise_worker.serve(channel, request)
            if not released:
                os._exit(0)
            # The parent asked for the interpreter back: clean it, and say whether it can serve another exercise.
            reuse.forget_submission(request["submission_dir"])
            changes = picture.changes()
            # The next exercise's soft limit is set now, so that a spawn request never finds the limits unset.
            if "address space" in applied and not renew_memory_limit(request):
                changes.append("memory kept: less than the memory limit is left under the address-space limit")
        except BaseException:  # noqa: BLE001 - the harness broke: the student's code changed Python itself.
            os._exit(wire.WorkerExit.HARNESS_BROKEN)
        channel.send({"event": wire.Event.RELEASED, "reusable": not changes, "changes": changes[:8]})
        if changes:
            os._exit(0)
