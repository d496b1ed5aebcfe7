"""What this machine can isolate a submission with: bubblewrap or rlimits, and why not more.

Four modes, from the strongest:
- bubblewrap started by root: no user namespace, so that the worker can drop to a dedicated
  unprivileged uid (its kernel uid is not root, so RLIMIT_NPROC bounds a fork bomb and the
  worker cannot signal or write anything of root's); the zygote keeps only CAP_SETUID,
  CAP_SETGID and CAP_KILL to do that, and no_new_privs is set.
- bubblewrap started by a user: a user namespace; RLIMIT_NPROC counts that namespace only.
- rlimits started by root: a plain subprocess; the worker drops to a dedicated uid and keeps
  only CAP_DAC_READ_SEARCH (Python may live under a private /root): it can read, not write
  or signal, anything outside its scratch folder; its leftovers are swept by uid.
- rlimits started by a user: a plain subprocess with rlimits only.
The command itself is in `bwrap`, the dedicated uids in `uids`.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass

from grader.sandbox.bwrap import bwrap_base_command, is_root, python_binds, system_binds
from grader.sandbox.processes import tasks_of
from grader.sandbox.uids import UID_BASE

BUBBLEWRAP = "bubblewrap"
RLIMITS = "rlimits"


@dataclass(frozen=True)
class Isolation:
    """Which isolation this machine gives, and why not more."""

    name: str
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


@functools.lru_cache(maxsize=1)
def detect_isolation() -> Isolation:
    """Bubblewrap if it is installed and can create its namespaces here, else rlimits."""
    as_root = is_root()
    uid_note = (
        "; sandboxed code runs as a dedicated unprivileged uid"
        if as_root
        else "; sandboxed code runs as your own user (run as root for a dedicated uid)"
    )
    if os.environ.get("GRADER_ISOLATION") == RLIMITS:
        return Isolation(
            RLIMITS,
            "bubblewrap turned off by GRADER_ISOLATION=rlimits: no namespaces (student code"
            " can use the network and read files the grader can read)" + uid_note,
            as_root,
        )
    if shutil.which("bwrap") is None:
        return Isolation(
            RLIMITS, "bubblewrap (bwrap) is not installed: sudo apt-get install bubblewrap" + uid_note, as_root
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
