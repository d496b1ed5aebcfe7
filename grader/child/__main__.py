"""The zygote: imports TensorFlow once, then forks one worker per exercise on request.

It talks to the parent over a SOCK_SEQPACKET control socket (file descriptor in argv[1]):
  {"op": "spawn", ...}  -> forks a worker; answers {"event": "spawned", "pid": N} with the
                          parent's end of a fresh stream socket attached
  {"op": "finish", "pid": N} -> kills the worker's process group, reaps it, answers its status
No TensorFlow op runs here before a fork, so every worker starts with a clean runtime.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys

CONTROL_LIMIT = 65536


def _reply(control: socket.socket, message: dict, fds: list[int] | None = None) -> None:
    data = json.dumps(message).encode("utf-8")
    if fds:
        socket.send_fds(control, [data], fds)
    else:
        control.send(data)


def _status(raw: int) -> dict:
    if os.WIFSIGNALED(raw):
        return {"signal": os.WTERMSIG(raw), "exit_code": None}
    return {"signal": None, "exit_code": os.WEXITSTATUS(raw) if os.WIFEXITED(raw) else None}


def main() -> None:
    control = socket.socket(fileno=int(sys.argv[1]))
    # Warm imports: the expensive part, done once for all workers. No op runs here.
    import numpy  # noqa: F401
    import tensorflow  # noqa: F401
    import keras  # noqa: F401

    from . import worker

    _reply(control, {"event": "ready", "pid": os.getpid()})
    while True:
        data = control.recv(CONTROL_LIMIT)
        if not data:
            break
        request = json.loads(data)
        if request["op"] == "spawn":
            parent_end, child_end = socket.socketpair()
            pid = os.fork()
            if pid == 0:
                control.close()
                parent_end.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                try:
                    worker.run(child_end, request)
                except BaseException:  # noqa: BLE001 - the harness broke: the student's code changed Python itself.
                    os._exit(worker.HARNESS_BROKEN)
                os._exit(0)
            try:
                # Set the group here too, so a "finish" can never race the worker's own setpgid.
                os.setpgid(pid, pid)
            except (ProcessLookupError, PermissionError):
                pass
            child_end.close()
            _reply(control, {"event": "spawned", "pid": pid}, [parent_end.fileno()])
            parent_end.close()
        elif request["op"] == "finish":
            pid = int(request["pid"])
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                _, raw = os.waitpid(pid, 0)
                status = _status(raw)
            except ChildProcessError:
                status = {"signal": None, "exit_code": None}
            _reply(control, {"event": "finished", "pid": pid, **status})
    os.killpg(0, signal.SIGKILL)


if __name__ == "__main__":
    main()
