"""The warm pool: one zygote that serves many submissions, one after the other.

Started as `python -m gradechild FD pool`. It imports TensorFlow and Keras once (no op runs,
no student code), wipes its writable folders, answers "ready", then serves the parent over
its control socket (one JSON object per packet):
  {"op": "open", "names": [...], "folder": DIR, "home": DIR}, with the modules' descriptors
      attached (SCM_RIGHTS) -> forks the submission's own zygote, which writes the modules
      into DIR and then serves "spawn" / "finish" (see `zygote`) on a fresh control socket;
      answers {"event": "opened", "pid": N} with the parent's end of that socket attached
  {"op": "wipe", "uid": U, "folders": [...]} -> kills every process but its own (in a PID
      namespace: everything but the pool and its ancestors; else everything below it, the
      pool being a subreaper), removes every file in the folders (as uid U first, so that a
      dedicated uid's own folders can be entered) and, in its own namespaces, every System V
      IPC object; checks that nothing is left, and answers {"event": "wiped", "left": [what
      could not be removed]}
No submission is ever opened while another one is: a submission has no neighbour to see.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import stat
import time
from typing import Any

from . import wire
from .proctree import below, freeze_then_kill, parents
from .zygote import fork_child, reply, serve

WIPE_TIMEOUT_S = 60.0
MAX_MODULES = 64


def _unescape(field: str) -> str:
    """A path of /proc/self/mountinfo, whose spaces and backslashes are written as octal escapes."""
    return re.sub(r"\\([0-7]{3})", lambda match: chr(int(match.group(1), 8)), field)


def kept_paths(folders: list[str]) -> tuple[frozenset[str], frozenset[str]]:
    """What a wipe of `folders` leaves: the mount points inside them (the Python prefix bound read-only below
    /tmp, when the grader's environment lives there) and every folder on the way to one."""
    prefixes = tuple(folder.rstrip("/") + "/" for folder in folders)
    mounts: set[str] = set()
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as stream:
            for line in stream:
                fields = line.split()
                if len(fields) > 4 and _unescape(fields[4]).startswith(prefixes):
                    mounts.add(_unescape(fields[4]))
    except OSError:
        pass
    ancestors: set[str] = set()
    for mount in mounts:
        parent = os.path.dirname(mount)
        while parent.startswith(prefixes):
            ancestors.add(parent)
            parent = os.path.dirname(parent)
    return frozenset(mounts), frozenset(ancestors)


def _clear(folder: str, kept: tuple[frozenset[str], frozenset[str]]) -> None:
    """Remove everything inside `folder` (not the folder), opening up what its owner closed; mount points and
    the folders leading to them stay (their other entries go)."""
    mounts, ancestors = kept
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.path in mounts:
            continue
        if entry.path in ancestors:
            _clear(entry.path, kept)
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                try:
                    os.chmod(entry.path, stat.S_IRWXU)
                except OSError:
                    pass
                _clear(entry.path, kept)
                os.rmdir(entry.path)
            else:
                os.unlink(entry.path)
        except OSError:
            continue


def _remaining(folders: list[str], kept: tuple[frozenset[str], frozenset[str]]) -> list[str]:
    mounts, ancestors = kept
    left: list[str] = []
    for folder in folders:
        try:
            names = sorted(os.listdir(folder))
        except OSError as error:
            left.append(f"{folder} ({error.strerror})")
            continue
        for name in names:
            path = os.path.join(folder, name)
            if path in ancestors:
                left += _remaining([path], kept)
            elif path not in mounts:
                left.append(path)
    return left


def _ancestors() -> set[int]:
    found_parents = parents()
    found: set[int] = set()
    pid = os.getpid()
    while pid > 0 and pid not in found:
        found.add(pid)
        pid = found_parents.get(pid, 0)
    return found


def _all_but_me() -> set[int]:
    return set(parents()) - _ancestors()


def _below_me() -> set[int]:
    return below({os.getpid()}, parents())


def kill_leftovers(whole_namespace: bool) -> None:
    """Freeze, then kill, every process that is not the pool's own; reap them."""
    find = _all_but_me if whole_namespace else _below_me
    frozen = freeze_then_kill(find)
    deadline = time.monotonic() + 10.0
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            if not (find() & frozen):
                break
            time.sleep(0.01)


# System V IPC objects live as long as their IPC namespace (the pool's, under bubblewrap): /proc
# lists them (the id in the second column), IPC_RMID (0) removes them.
SYSV_IPC = {"shm": "shmctl", "msg": "msgctl", "sem": "semctl"}


def _ipc_objects(uid: int | None = None) -> list[tuple[str, int]]:
    """(kind, id) of every System V IPC object (owned by `uid`, if given) in this IPC namespace."""
    found: list[tuple[str, int]] = []
    for kind in SYSV_IPC:
        try:
            # Bytes: no codec to import (the wipe runs as a uid that may not read the standard library).
            with open(f"/proc/sysvipc/{kind}", "rb") as table:
                header, *rows = (line.decode().split() for line in table)
        except (OSError, ValueError):
            continue
        owner = header.index("uid")
        for row in rows:
            if len(row) > owner and (uid is None or row[owner] == str(uid)):
                found.append((kind, int(row[1])))
    return found


def _remove_ipc(libc: Any) -> None:
    """Remove the System V IPC objects this process may remove (its own)."""
    for kind, ident in _ipc_objects(os.getuid()):
        if kind == "sem":
            libc.semctl(ident, 0, 0)
        else:
            getattr(libc, SYSV_IPC[kind])(ident, 0, None)


def wipe(folders: list[str], uid: int | None, ipc: bool = False) -> list[str]:
    """Empty `folders` and remove `uid`'s System V IPC objects (with `ipc`, the IPC namespace is the
    pool's own: all of them): first as `uid` (its own closed folders open to it), then as the pool;
    what is left."""
    import ctypes

    # Loaded here: the wipe may run as a uid that cannot read the standard library (rlimits, as root).
    libc = ctypes.CDLL(None, use_errno=True)
    kept = kept_paths(folders)
    pid = os.fork()
    if pid == 0:
        try:
            if uid is not None:
                os.setgroups([])
                os.setresgid(uid, uid, uid)
                os.setresuid(uid, uid, uid)
            for folder in folders:
                _clear(folder, kept)
            if ipc or uid is not None:
                _remove_ipc(libc)
        finally:
            os._exit(0)
    deadline = time.monotonic() + WIPE_TIMEOUT_S
    while True:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return [f"the wipe did not end within {WIPE_TIMEOUT_S:g} s"]
        time.sleep(0.01)
    for folder in folders:
        _clear(folder, kept)
    left = _remaining(folders, kept)
    if ipc or uid is not None:
        left += [f"System V {kind} {ident}" for kind, ident in _ipc_objects(None if ipc else uid)]
    return left


def _write_modules(names: list[str], fds: list[int], folder: str, owner: int | None) -> None:
    for name, fd in zip(names, fds, strict=True):
        if os.sep in name or not name.endswith(".py") or name.startswith("."):
            raise ValueError(f"refused module name {name!r}")
        with os.fdopen(fd, "rb") as source:
            data = source.read()
        target = os.open(os.path.join(folder, name), os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666)
        try:
            os.fchmod(target, 0o666)
            if owner is not None:
                os.fchown(target, owner, owner)
            os.write(target, data)
        finally:
            os.close(target)


def _open_submission(control: socket.socket, request: dict[str, Any], fds: list[int]) -> int:
    """Fork the submission's zygote; returns its pid (the parent's end of its socket is sent back)."""
    parent_end, child_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)

    def submission_zygote() -> None:
        folder, home = str(request["folder"]), str(request["home"])
        # The rlimits level's host folders belong to the submission's uid; bubblewrap's are world-writable.
        owner = None if request.get("owner") is None else int(request["owner"])
        if owner is not None:
            for path in (folder, home):
                os.chown(path, owner, owner)
        _write_modules([str(name) for name in request["names"]], fds, folder, owner)
        for name in ("HOME", "TMPDIR"):
            os.environ[name] = home
        os.environ["KERAS_HOME"] = os.path.join(home, ".keras")
        os.chdir(folder)
        serve(child_end)

    pid = fork_child(submission_zygote, (control, parent_end), wire.WorkerExit.SETUP_FAILED, report=True)
    child_end.close()
    for fd in fds:
        os.close(fd)
    reply(control, {"event": wire.Event.OPENED, "pid": pid}, [parent_end.fileno()])
    parent_end.close()
    return pid


def pool_main(control: socket.socket, folders: list[str], whole_namespace: bool) -> None:
    """Serve "open" and "wipe" until the control socket closes; start with the folders empty."""
    left = wipe(folders, None, whole_namespace)
    if left:
        reply(control, {"event": wire.Event.WIPED, "left": left})
        os._exit(1)
    reply(control, {"event": wire.Event.READY, "pid": os.getpid()})
    while True:
        data, fds, _, _ = socket.recv_fds(control, wire.CONTROL_LIMIT, MAX_MODULES)
        if not data:
            break
        request = json.loads(data)
        if request["op"] == wire.Op.OPEN:
            _open_submission(control, request, list(fds))
        elif request["op"] == wire.Op.WIPE:
            for fd in fds:
                os.close(fd)
            kill_leftovers(whole_namespace)
            uid = request.get("uid")
            # Only a private IPC namespace (bubblewrap's) is the submission's to empty.
            left = wipe(
                [str(folder) for folder in request["folders"]], None if uid is None else int(uid), whole_namespace
            )
            reply(control, {"event": wire.Event.WIPED, "left": left})
        else:
            for fd in fds:
                os.close(fd)
            reply(control, {"event": "error", "message": f"unknown op {request.get('op')!r}"})
    kill_leftovers(whole_namespace)
    os._exit(0)
