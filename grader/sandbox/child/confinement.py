"""A forked worker's confinement, set before the student's code runs: its rlimits, and its dedicated uid.

Linux only (the forked levels): the spawned, portable worker sets its own limits (`spawned`).
"""

from __future__ import annotations

import ctypes
import os
from typing import Any

PR_SET_KEEPCAPS = 8
PR_SET_NO_NEW_PRIVS = 38
CAP_DAC_READ_SEARCH = 2
LINUX_CAPABILITY_VERSION_3 = 0x20080522


def _virtual_memory_bytes() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def apply_limits(request: dict[str, Any]) -> None:
    """The worker's own limits, before the student's code runs: memory, core files, file size, processes."""
    # Only where fork exists (Linux): the spawned, portable path never imports `resource` here.
    import resource

    # The memory limit counts what the submission adds to the warm TensorFlow process.
    memory = _virtual_memory_bytes() + int(request["memory_limit_mb"]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    file_size = int(request["file_size_limit_mb"]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))
    processes = request.get("process_limit")
    if processes:
        # Threads count too; the parent sized it for this sandbox's uid or namespace.
        resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))


def _libc() -> Any:
    return ctypes.CDLL(None, use_errno=True)


def _keep_only_read_access() -> None:
    """Keep CAP_DAC_READ_SEARCH alone (read and traverse, e.g. Python under a private /root)."""

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]

    header = Header(LINUX_CAPABILITY_VERSION_3, 0)
    data = (Data * 2)()
    data[0].effective = data[0].permitted = 1 << CAP_DAC_READ_SEARCH
    if _libc().capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capset failed")


def drop_privileges(request: dict[str, Any]) -> None:
    """Become the sandbox's dedicated unprivileged uid (when the grader runs as root); no new privileges."""
    uid = request.get("uid")
    libc = _libc()
    if uid is not None:
        keep_read = bool(request.get("keep_read_access"))
        if keep_read:
            libc.prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0)
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
        if keep_read:
            _keep_only_read_access()
        if os.getuid() != uid or os.geteuid() != uid:
            raise OSError(f"could not drop to uid {uid}")
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
