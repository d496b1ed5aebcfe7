"""What this machine can isolate a submission with: bubblewrap, rlimits or portable, and why not more.

The level is chosen by what the machine can do, never by the system's name: bubblewrap when it
can create its sandbox; else rlimits when `os.fork`, the `resource` module and /proc exist
(Linux without namespaces: a container, Colab); else portable (Windows, macOS), a freshly
spawned isolated interpreter per submission (a fresh one again after an exercise that changed
it), limited from the parent (`grader.sandbox.portable`).
`GRADER_ISOLATION=rlimits` or `=portable` forces a level.

Five modes, from the strongest:
- bubblewrap started by root: no user namespace, so that the worker can drop to a dedicated
  unprivileged uid (its kernel uid is not root, so RLIMIT_NPROC bounds a fork bomb and the
  worker cannot signal or write anything of root's); the zygote keeps only CAP_SETUID,
  CAP_SETGID and CAP_KILL to do that, and no_new_privs is set.
- bubblewrap started by a user: a user namespace; RLIMIT_NPROC counts that namespace only.
- rlimits started by root: a plain subprocess; the worker drops to a dedicated uid and keeps
  only CAP_DAC_READ_SEARCH (Python may live under a private /root): it can read, not write
  or signal, anything outside its scratch folder; its leftovers are swept by uid.
- rlimits started by a user: a plain subprocess with rlimits only.
- portable: no namespaces, no fork, no dedicated uid; time, output and memory limits enforced
  by the parent (psutil), RLIMIT_AS as well where the system has it.
The command itself is in `bwrap`, the dedicated uids in `uids`.
"""

from __future__ import annotations

import enum
import functools
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass

from grader.sandbox.bwrap import bwrap_base_command, is_root, python_binds, system_binds
from grader.sandbox.processes import tasks_of
from grader.sandbox.uids import UID_BASE

ISOLATION_VARIABLE = "GRADER_ISOLATION"


class Level(enum.StrEnum):
    """The isolation levels, from the strongest; their values are what results and `grade doctor` print."""

    BUBBLEWRAP = "bubblewrap"
    RLIMITS = "rlimits"
    PORTABLE = "portable"


BUBBLEWRAP = Level.BUBBLEWRAP
RLIMITS = Level.RLIMITS
PORTABLE = Level.PORTABLE
# What the rlimits level says when bubblewrap cannot run (Colab's container among others).
RLIMITS_NOTE = (
    "; the rlimits level has no namespaces (student code can use the network and read files the grader can"
    " read): in Colab and most containers bubblewrap cannot create its sandbox, and this is the level to expect"
)
# What the portable level does not protect, said by `grade doctor` and every result that used it.
PORTABLE_GAPS = (
    "no namespaces: student code can use the network and read (and write) every file your user can;"
    " no process limit (a fork bomb is stopped by the time limit only); time and output limits are"
    " enforced from the grader's process, memory by RLIMIT_AS where the system has it (Linux) and"
    " otherwise by a watchdog that sums the process tree's memory every 0.1 s"
)


@dataclass(frozen=True)
class Isolation:
    """Which isolation this machine gives, and why not more."""

    name: Level
    detail: str
    # The worker runs as a dedicated unprivileged uid (only when the grader runs as root).
    dedicated_uid: bool = False


def child_environment(home: str, python_path: str) -> dict[str, str]:
    """The allowlist: nothing else from the parent's environment (tokens, secrets) passes."""
    environment = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        "TMPDIR": home,
        "LANG": "C.UTF-8",
        "PYTHONPATH": python_path,
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        "PYTHONHASHSEED": "0",
        "PYTHONUNBUFFERED": "1",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "TF_ENABLE_ONEDNN_OPTS": "0",
        "TF_DETERMINISTIC_OPS": "1",
        "KERAS_BACKEND": "tensorflow",
        "KERAS_HOME": f"{home}/.keras",
        "MPLBACKEND": "Agg",
    }
    for name in ("CUDA_VISIBLE_DEVICES", "LD_LIBRARY_PATH"):
        if name in os.environ:
            environment[name] = os.environ[name]
    return environment


def portable_environment(home: str) -> dict[str, str]:
    """The portable level's allowlist: the same as the others', plus what Python and TensorFlow need on Windows
    (SYSTEMROOT, WINDIR, PATHEXT...), the parent's PATH (DLLs are found through it there), and every temporary
    and home folder pointed at the scratch home. PYTHONPATH is not used: the child runs in isolated mode (-I)."""
    environment = child_environment(home, "")
    del environment["PYTHONPATH"]
    environment["PATH"] = os.environ.get("PATH", os.defpath)
    for name in ("SYSTEMROOT", "SystemRoot", "WINDIR", "PATHEXT", "COMSPEC", "SYSTEMDRIVE", "NUMBER_OF_PROCESSORS"):
        if name in os.environ:
            environment[name] = os.environ[name]
    for name in ("TEMP", "TMP", "USERPROFILE", "APPDATA", "LOCALAPPDATA"):
        environment[name] = home
    return environment


def rlimits_capable() -> str:
    """What the rlimits level needs and this machine lacks ("" when it has it all): fork, `resource`, /proc."""
    missing = []
    if not hasattr(os, "fork"):
        missing.append("os.fork")
    try:
        import resource  # noqa: F401 - only asking whether it exists
    except ImportError:
        missing.append("the resource module")
    if not os.path.isdir("/proc/self"):
        missing.append("/proc")
    return ", ".join(missing)


def _portable(reason: str) -> Isolation:
    return Isolation(
        PORTABLE,
        f"{reason}: the exercises run in a freshly spawned Python in a scratch folder (one per submission, a"
        f" fresh one after an exercise that changed it); {PORTABLE_GAPS}",
    )


@functools.lru_cache(maxsize=1)
def detect_isolation() -> Isolation:
    """Bubblewrap if it is installed and can create its namespaces here, else rlimits where fork, `resource`
    and /proc exist, else portable; GRADER_ISOLATION forces rlimits or portable."""
    forced = os.environ.get(ISOLATION_VARIABLE)
    if forced == PORTABLE:
        return _portable("the portable level, forced by GRADER_ISOLATION=portable")
    missing = rlimits_capable()
    if missing:
        return _portable(f"the portable level, as this system has no {missing} (Windows, macOS)")
    as_root = is_root()
    uid_note = (
        "; sandboxed code runs as a dedicated unprivileged uid"
        if as_root
        else "; sandboxed code runs as your own user (run as root for a dedicated uid)"
    )
    if forced == RLIMITS:
        return Isolation(
            RLIMITS,
            "bubblewrap turned off by GRADER_ISOLATION=rlimits: no namespaces (student code"
            " can use the network and read files the grader can read)" + uid_note,
            as_root,
        )
    if shutil.which("bwrap") is None:
        return Isolation(
            RLIMITS,
            "bubblewrap (bwrap) is not installed: sudo apt-get install bubblewrap" + RLIMITS_NOTE + uid_note,
            as_root,
        )
    command = (
        bwrap_base_command(as_root=as_root) + system_binds() + ["--proc", "/proc", "--dev", "/dev"] + python_binds()
    )
    check = f"import os; os.setgroups([]); os.setresgid({UID_BASE}, {UID_BASE}, {UID_BASE}); os.setresuid({UID_BASE}, {UID_BASE}, {UID_BASE})"
    probe = subprocess.run(
        command + [sys.executable, "-S", "-c", check if as_root else "pass"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
    )
    if probe.returncode != 0:
        fix = (
            "in a container, bubblewrap needs namespaces and mounts: run the container with --privileged"
            " (or --cap-add SYS_ADMIN --security-opt seccomp=unconfined)"
            if as_root
            else "enable unprivileged user namespaces (sudo sysctl -w kernel.unprivileged_userns_clone=1) or run as root"
        )
        return Isolation(
            RLIMITS,
            f"bubblewrap is installed but cannot create its sandbox here ({probe.stderr.strip()[-200:]}); {fix}"
            + RLIMITS_NOTE
            + uid_note,
            as_root,
        )
    return Isolation(
        BUBBLEWRAP,
        "bubblewrap: no network, read-only system, private size-capped /tmp and scratch, own PID namespace" + uid_note,
        as_root,
    )


def process_limit(cpus: int | None = None) -> int:
    """RLIMIT_NPROC for one sandbox's uid: TensorFlow's thread pools (about 2 per CPU) for a few workers."""
    return 128 + 16 * (cpus or os.cpu_count() or 2)


def counts_processes_per_user_namespace() -> bool:
    """Linux 5.14 and later count RLIMIT_NPROC per user namespace, so a bubblewrap sandbox counts its own tasks only."""
    try:
        major, minor = (int(part) for part in os.uname().release.split(".")[:2])
    except ValueError:
        return False
    return (major, minor) >= (5, 14)


def sandbox_process_limit(isolation: Isolation) -> int:
    """RLIMIT_NPROC for a worker: the margin alone where the count is the sandbox's own (a dedicated uid, or a
    user namespace on Linux 5.14+), else on top of what the user already runs."""
    if isolation.dedicated_uid or (isolation.name == BUBBLEWRAP and counts_processes_per_user_namespace()):
        return process_limit()
    return tasks_of(os.getuid()) + process_limit()
