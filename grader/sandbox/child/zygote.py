"""The zygote: forks one worker per exercise on request, once TensorFlow is imported (`__main__`)
(alone, for one submission; or forked per submission by the warm pool of `pool_zygote`).

It talks to the parent over a SOCK_SEQPACKET control socket (file descriptor in argv[1]):
  {"op": "spawn", ...}  -> forks a worker; answers {"event": "spawned", "pid": N} with the
                          parent's end of a fresh stream socket and the read end of the
                          worker's own output pipe (its stdout and stderr) attached
  {"op": "finish", "pid": N} -> kills the worker's process group, then every process that
                          escaped from it (the zygote is a child subreaper, so orphans come
                          back to it), reaps it and answers its status
When the control socket closes, the zygote kills everything below it and exits.
No TensorFlow op runs here before a fork, so every worker starts with a clean runtime.
"""

from __future__ import annotations

import ctypes
import functools
import json
import os
import signal
import socket
import sys
from collections.abc import Callable
from typing import Any

from . import wire
from .proctree import below, freeze_then_kill, parents

PR_SET_CHILD_SUBREAPER = 36


def reply(control: socket.socket, message: dict[str, Any], fds: list[int] | None = None) -> None:
    data = json.dumps(message).encode("utf-8")
    if fds:
        socket.send_fds(control, [data], fds)
    else:
        control.send(data)


def _status(raw: int) -> dict[str, Any]:
    if os.WIFSIGNALED(raw):
        return {"signal": os.WTERMSIG(raw), "exit_code": None}
    return {"signal": None, "exit_code": os.WEXITSTATUS(raw) if os.WIFEXITED(raw) else None}


class Zygote:
    """The live workers, and the sweeping of whatever else runs below the zygote."""

    def __init__(self) -> None:
        self.workers: set[int] = set()
        # Exit statuses of workers reaped while sweeping, for their own "finish" later.
        self.reaped: dict[int, dict[str, Any]] = {}

    def sweep(self) -> None:
        """Freeze, then kill, every process below the zygote that is not a live worker or under one."""
        me = os.getpid()

        def leftovers() -> set[int]:
            tree = parents()
            return below({me}, tree) - self.workers - below(self.workers, tree)

        freeze_then_kill(leftovers)
        self.reap()

    def reap(self) -> None:
        """Collect every dead child (orphans come back to the zygote, a subreaper)."""
        while True:
            try:
                pid, raw = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid in self.workers:
                self.workers.discard(pid)
                self.reaped[pid] = _status(raw)

    def finish(self, pid: int) -> dict[str, Any]:
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if pid in self.reaped:
            status = self.reaped.pop(pid)
        else:
            try:
                _, raw = os.waitpid(pid, 0)
                status = _status(raw)
            except ChildProcessError:
                status = {"signal": None, "exit_code": None}
        self.workers.discard(pid)
        self.sweep()
        return status


def become_subreaper() -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def fork_child(
    run: Callable[[], None], inherited: tuple[socket.socket | int, ...], failed: wire.WorkerExit, report: bool = False
) -> int:
    """Fork a child that closes what it must not hold of the parent's (`inherited`: sockets, descriptors), runs
    `run` and exits 0; if anything raises, it exits `failed` (after printing the traceback, with `report`), and
    the parent sees that status or its socket close. Returns the child's pid, in the parent."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        try:
            for end in inherited:
                if isinstance(end, socket.socket):
                    end.close()
                else:
                    os.close(end)
            run()
        except BaseException:  # noqa: BLE001 - the exit status says it, the parent reports it.
            if report:
                import traceback

                traceback.print_exc()
            os._exit(failed)
        os._exit(0)
    return pid


def _worker(
    run: Callable[[socket.socket, dict[str, Any]], None], sock: socket.socket, output: int, request: dict[str, Any]
) -> None:
    """A forked worker: its stdout and stderr go to its own pipe (`output`), read by the parent during its calls
    only (a flood between calls blocks the writer); then it serves the exercise on `sock`."""
    os.dup2(output, 1)
    os.dup2(output, 2)
    os.close(output)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    run(sock, request)


def serve(control: socket.socket) -> None:
    """Answer "ready", then fork workers on request until the control socket closes; then end them all."""
    from . import exercise_worker

    # Orphans come back here (the setting is not inherited: a submission's zygote sets it again).
    become_subreaper()
    zygote = Zygote()
    reply(control, {"event": wire.Event.READY, "pid": os.getpid()})
    while True:
        data = control.recv(wire.CONTROL_LIMIT)
        if not data:
            break
        request = json.loads(data)
        if request["op"] == wire.Op.SPAWN:
            parent_end, child_end = socket.socketpair()
            output_read, output_write = os.pipe()
            # A worker that raises out of the harness: the student's code changed Python itself.
            run = functools.partial(_worker, exercise_worker.run, child_end, output_write, request)
            pid = fork_child(run, (control, parent_end, output_read), wire.WorkerExit.HARNESS_BROKEN)
            try:
                # Set the group here too, so a "finish" can never race the worker's own setpgid.
                os.setpgid(pid, pid)
            except (ProcessLookupError, PermissionError):
                pass
            child_end.close()
            os.close(output_write)
            zygote.workers.add(pid)
            reply(control, {"event": wire.Event.SPAWNED, "pid": pid}, [parent_end.fileno(), output_read])
            parent_end.close()
            os.close(output_read)
        elif request["op"] == wire.Op.FINISH:
            pid = int(request["pid"])
            reply(control, {"event": wire.Event.FINISHED, "pid": pid, **zygote.finish(pid)})
    zygote.workers.clear()
    zygote.sweep()
