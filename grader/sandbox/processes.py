"""The parent side's process helpers: find, count, freeze and kill processes, with psutil.

Used to end a sandbox (its process tree, every process of its dedicated uid, or carrying its
environment marker) and the workers of `grade batch`. Freezing and killing go through psutil
(SIGSTOP/SIGKILL on POSIX, NtSuspendProcess/TerminateProcess on Windows), so that the portable
level works without POSIX signals. The sandboxed child keeps its own small /proc code: it is
mounted alone, without psutil's guarantee of being importable there.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Callable

import psutil

# How many rounds of "freeze what is new" before killing: a fork bomb cannot outrun them.
FREEZE_ROUNDS = 50


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (children, their children...), `pid` excluded."""
    try:
        return [child.pid for child in psutil.Process(pid).children(recursive=True)]
    except psutil.Error:
        return []


def processes_of(uid: int) -> list[int]:
    """The processes whose real uid is `uid`."""
    found = []
    for process in psutil.process_iter(["uids"]):
        uids = process.info["uids"]
        if uids is not None and uids.real == uid:
            found.append(process.pid)
    return found


def tasks_of(uid: int) -> int:
    """How many tasks (threads included) `uid` runs on this machine: RLIMIT_NPROC counts them all."""
    count = 0
    for process in psutil.process_iter(["uids", "num_threads"]):
        uids, threads = process.info["uids"], process.info["num_threads"]
        if uids is not None and uids.real == uid and threads is not None:
            count += threads
    return count


def suspend(pid: int) -> None:
    """Freeze `pid`, ignoring a process that is gone or not ours."""
    try:
        psutil.Process(pid).suspend()
    except psutil.Error:
        pass


def kill(pid: int) -> None:
    """Kill `pid` at once, ignoring a process that is gone or not ours."""
    try:
        psutil.Process(pid).kill()
    except psutil.Error:
        pass


def carrying(name: str, value: str) -> list[int]:
    """The processes whose environment holds `name=value` (a sandbox's marker: it finds a daemon that left
    the process tree too); processes whose environment cannot be read are not ours to kill."""
    found = []
    for process in psutil.process_iter():
        try:
            if process.environ().get(name) == value:
                found.append(process.pid)
        except psutil.Error:
            continue
    return found


def freeze_then_kill(
    find: Callable[[], list[int]], *, rounds: int = FREEZE_ROUNDS, frozen: list[int] | None = None
) -> int:
    """Stop every pid `find()` returns, round after round until none is new, then kill them all.

    Returns how many processes were killed. Frozen processes cannot fork or escape while the
    rest are found; `frozen` may hold pids already stopped by the caller.
    """
    stopped: list[int] = list(frozen or [])
    for _ in range(rounds):
        new = [pid for pid in find() if pid not in stopped]
        if not new:
            break
        for pid in new:
            suspend(pid)
        stopped += new
    for pid in stopped:
        kill(pid)
    return len(stopped)


def kill_tree(root: int, *, include_root: bool = True) -> None:
    """Freeze `root` (unless told not to) and everything below it, then kill them all."""
    frozen = [root] if include_root else []
    for pid in frozen:
        suspend(pid)
    freeze_then_kill(lambda: descendants(root), frozen=frozen)


def stop_session(process: subprocess.Popen[bytes], *, pid_namespace: bool) -> None:
    """Kill a sandbox's first process (the leader of its own session) and everything it ran, reap it and close
    its output; POSIX only. Without a PID namespace, what escaped the process group is found below the first
    process (a subreaper) and killed first."""
    if not pid_namespace:
        kill_tree(process.pid)
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()
    if process.stdout is not None:
        process.stdout.close()


def sweep_uid(uid: int) -> int:
    """Stop, then kill, every process of `uid` (a fork bomb included); returns how many there were."""
    return freeze_then_kill(lambda: processes_of(uid))


def reap_children(*, block: bool) -> None:
    """Collect the exit status of every finished child (orphans come here under a subreaper); POSIX only."""
    while True:
        try:
            pid, _ = os.waitpid(-1, 0 if block else os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
