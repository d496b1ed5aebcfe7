"""A worker: loads one student module and answers the parent's probe requests.

Every answer is plain data (JSON and `.npy` through `wire`). Exceptions raised by the
student's code, `SystemExit` included, become an error answer; a worker that dies is seen
by the parent as the end of its stream.
"""

from __future__ import annotations

import ctypes
import importlib
import os
import resource
import socket
import sys
import traceback
from types import ModuleType
from typing import Any

from . import wire

SUBMISSION_FRAMES_MAX = 8

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


def _apply_limits(request: dict[str, Any]) -> None:
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


def _drop_privileges(request: dict[str, Any]) -> None:
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


def describe_exception(error: BaseException, submission_dir: str) -> dict[str, Any]:
    """The error as plain data, with the traceback cut to the student's own frames."""
    frames = [
        f"{os.path.basename(frame.filename)}, line {frame.lineno}, in {frame.name}: {(frame.line or '').strip()}"
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename.startswith(submission_dir)
    ]
    try:
        message = str(error)
    except Exception:  # noqa: BLE001 - a student exception whose __str__ fails.
        message = "<the exception's message could not be read>"
    return {
        "type": type(error).__name__,
        "message": message[:2000],
        "frames": frames[-SUBMISSION_FRAMES_MAX:],
        "not_implemented": isinstance(error, NotImplementedError),
        "memory": isinstance(error, MemoryError) or "OOM" in message or "out of memory" in message.lower(),
        "system_exit": isinstance(error, SystemExit),
    }


def _configure_tensorflow() -> None:
    import tensorflow as tf

    tf.config.experimental.enable_op_determinism()
    tf.config.experimental.enable_tensor_float_32_execution(False)
    for gpu in tf.config.list_physical_devices("GPU"):
        tf.config.experimental.set_memory_growth(gpu, True)


def _import_student(module_name: str, submission_dir: str) -> ModuleType:
    sys.path.insert(0, submission_dir)
    return importlib.import_module(module_name)


def run(sock: socket.socket, request: dict[str, Any]) -> None:
    os.setpgid(0, 0)
    try:
        _apply_limits(request)
        _drop_privileges(request)
    except Exception:  # noqa: BLE001 - never run student code without its limits or as root.
        traceback.print_exc()
        os._exit(wire.WorkerExit.SETUP_FAILED)
    from . import probes

    submission_dir = request["submission_dir"]
    _configure_tensorflow()
    try:
        module = _import_student(request["module"], submission_dir) if request["module"] else None
    except BaseException as error:  # noqa: BLE001 - SystemExit at import is the student's too.
        wire.send(sock, {"event": wire.Event.HELLO, "import_error": describe_exception(error, submission_dir)})
        return
    wire.send(sock, {"event": wire.Event.HELLO, "import_error": None})
    context = probes.Context(module=module, exercise=request["exercise"])
    while True:
        message = wire.receive(sock)
        if message is None:
            return
        probe = probes.PROBES.get(message.get("probe"))
        if probe is None:
            wire.send(sock, {"ok": False, "protocol_error": f"unknown probe {message.get('probe')!r}"})
            continue
        try:
            value = probe(context, **message.get("args", {}))
        except BaseException as error:  # noqa: BLE001 - every student failure is an answer.
            wire.send(sock, {"ok": False, "error": describe_exception(error, submission_dir)})
            continue
        wire.send(sock, {"ok": True, "value": value})
