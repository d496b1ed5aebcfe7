"""A worker: loads one student module and answers the parent's probe requests.

Every answer is plain data (JSON and `.npy` through `wire`). Exceptions raised by the
student's code, `SystemExit` included, become an error answer; a worker that dies is seen
by the parent as the end of its stream.
"""

from __future__ import annotations

import importlib
import importlib.util
import linecache
import os
import socket
import sys
import threading
import traceback
from collections.abc import Callable
from types import ModuleType
from typing import Any, Protocol

from . import wire
from .confinement import apply_limits, drop_privileges

SUBMISSION_FRAMES_MAX = 8


class Channel(Protocol):
    """Where a worker reads the parent's probe requests and sends its answers (framed by `wire`)."""

    def send(self, message: Any) -> None: ...

    def receive(self) -> Any: ...


class SocketChannel:
    """A forked worker's stream socket to the parent."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock

    def send(self, message: Any) -> None:
        wire.send(self.sock, message)

    def receive(self) -> Any:
        return wire.receive(self.sock)


def _frame_text(filename: str, lineno: int | None, name: str, line: str | None) -> str:
    return f"{os.path.basename(filename)}, line {lineno}, in {name}: {(line or '').strip()}"


def describe_exception(error: BaseException, submission_dir: str) -> dict[str, Any]:
    """The error as plain data, with the traceback cut to the student's own frames."""
    from .calling import StudentError

    frames = [
        _frame_text(frame.filename, frame.lineno, frame.name, frame.line)
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename.startswith(submission_dir)
    ]
    trace = traceback.extract_tb(error.__traceback__)
    # Raised by the pack's probe itself, after the student's code returned: no frame of the student's, and not
    # inside call_student, student_function or a Binding's call (a missing function is the student's, and so is
    # an error of the student's tf.function, whose frames are autograph's); the probe's lines say where.
    through_student = bool(frames) or any(
        frame.name in ("call_student", "student_function")
        or (frame.name == "call" and os.path.basename(frame.filename) == "calling.py")
        for frame in trace
    )
    probe_frames = [  # named with the pack's folder: <pack>/probes.py, line N
        f"{os.path.basename(os.path.dirname(frame.filename))}/"
        + _frame_text(frame.filename, frame.lineno, frame.name, frame.line)
        for frame in trace
        if frame.filename.endswith("probes.py") and not frame.filename.startswith(submission_dir)
    ]
    try:
        message = str(error)
    except Exception:  # noqa: BLE001 - a student exception whose __str__ fails.
        message = "<the exception's message could not be read>"
    kept_probe_frames = [] if through_student else probe_frames[-SUBMISSION_FRAMES_MAX:]
    kind = wire.ErrorKind.RAISED
    if isinstance(error, StudentError):  # raised on purpose for the student (a contract mismatch is one)
        kind = wire.ErrorKind.CONTRACT
    elif isinstance(error, NotImplementedError):
        kind = wire.ErrorKind.NOT_IMPLEMENTED
    elif isinstance(error, SystemExit):
        kind = wire.ErrorKind.SYSTEM_EXIT
    elif isinstance(error, MemoryError) or "OOM" in message or "out of memory" in message.lower():
        kind = wire.ErrorKind.MEMORY
    elif kept_probe_frames and not frames:
        kind = wire.ErrorKind.PROBE
    elif "None" in message:
        kind = wire.ErrorKind.NONE_VALUE
    return {
        "type": type(error).__name__,
        "message": message[:2000],
        "frames": frames[-SUBMISSION_FRAMES_MAX:],
        "kind": kind,
        "probe_frames": kept_probe_frames,
    }


_CONFIGURED: list[bool] = []


def _configure_tensorflow() -> None:
    """Once per process (a portable interpreter serves several exercises; GPUs cannot be configured twice)."""
    if _CONFIGURED:
        return
    _CONFIGURED.append(True)
    import tensorflow as tf

    tf.config.experimental.enable_op_determinism()
    tf.config.experimental.enable_tensor_float_32_execution(False)
    for gpu in tf.config.list_physical_devices("GPU"):
        tf.config.experimental.set_memory_growth(gpu, True)


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy, TensorFlow and Keras, so that the student's unseeded random ops
    (at import too) run under op determinism and give the same values at every grading."""
    import keras

    # One call seeds Python's random, NumPy's global state, TensorFlow and Keras' own generator.
    keras.utils.set_random_seed(seed)


def _running_line(thread_id: int, submission_dir: str) -> list[str]:
    """The student's frames the thread is running now, outermost first."""
    frame = sys._current_frames().get(thread_id)
    frames: list[str] = []
    while frame is not None:
        code = frame.f_code
        if code.co_filename.startswith(submission_dir):
            line = linecache.getline(code.co_filename, frame.f_lineno)
            frames.append(_frame_text(code.co_filename, frame.f_lineno, code.co_name, line))
        frame = frame.f_back
    return list(reversed(frames))[-SUBMISSION_FRAMES_MAX:]


def _import_student(channel: Channel, module_name: str, submission_dir: str, limit_s: float | None) -> ModuleType:
    """Import the student's module; past `limit_s`, answer the parent with the line that was running, and end."""
    sys.path.insert(0, submission_dir)
    if not limit_s:
        return importlib.import_module(module_name)
    done = threading.Event()
    lock = threading.Lock()
    main_thread = threading.get_ident()

    def watch() -> None:
        if done.wait(limit_s):
            return
        with lock:
            if done.is_set():
                return
            error = {
                "type": "ImportTimeout",
                "message": f"importing {module_name}.py took more than {limit_s:g} s",
                "frames": _running_line(main_thread, submission_dir),
                "kind": wire.ErrorKind.IMPORT_TIMEOUT,
                "limit_s": limit_s,
            }
            try:
                channel.send({"event": wire.Event.HELLO, "import_error": error})
            finally:
                os._exit(0)

    threading.Thread(target=watch, name="import-limit", daemon=True).start()
    try:
        return importlib.import_module(module_name)
    finally:
        with lock:
            done.set()


def load_probes(path: str | None, exercise: str) -> dict[str, Callable[..., Any]]:
    """The probes a worker answers: those of the exercise's pack (its `probes.py`, loaded by path,
    the grader's trusted code), or the grader's own `environment` probe for a worker with no pack."""
    from .environment import environment

    if path is None:
        return {"environment": environment}
    spec = importlib.util.spec_from_file_location(f"gradepack_{exercise}_probes", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    probes = getattr(module, "PROBES", None)
    if not isinstance(probes, dict) or not all(isinstance(name, str) and callable(f) for name, f in probes.items()):
        raise TypeError(f"{path}: PROBES must be a dict of probe names to functions, found {type(probes).__name__}")
    return dict(probes)


def _pack_error(error: BaseException) -> str:
    """A pack that failed to load, as text for the instructor: the exception and the pack's own frames."""
    frames = [
        _frame_text(frame.filename, frame.lineno, frame.name, frame.line)
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename.endswith("probes.py")
    ]
    return f"{type(error).__name__}: {error}" + "".join(f"\n  {frame}" for frame in frames[-4:])


def run(sock: socket.socket, request: dict[str, Any]) -> None:
    """A forked worker (bubblewrap, rlimits): its own process group, limits, privileges dropped, then serve."""
    os.setpgid(0, 0)
    try:
        apply_limits(request)
        drop_privileges(request)
    except Exception:  # noqa: BLE001 - never run student code without its limits or as root.
        traceback.print_exc()
        os._exit(wire.WorkerExit.SETUP_FAILED)
    serve(SocketChannel(sock), request)


def serve(channel: Channel, request: dict[str, Any]) -> bool:
    """Load the exercise's pack, import the student's module, then answer probe requests until the parent hangs up
    (False) or asks for the process back (`Op.RELEASE`, True: the portable level's next exercise).

    Shared by the forked workers and the spawned ones of the portable level (`child.spawned`)."""
    from .api import Context

    submission_dir = request["submission_dir"]
    _configure_tensorflow()
    try:
        # Loaded before any student code runs: a broken pack is the course's fault, never the student's.
        probes = load_probes(request.get("probes"), request["exercise"])
    except BaseException as error:  # noqa: BLE001 - any failure of the pack's own code is reported.
        channel.send({"event": wire.Event.HELLO, "import_error": None, "pack_error": _pack_error(error)})
        return False
    seed_everything(int(request["seed"]))
    try:
        module = (
            _import_student(channel, request["module"], submission_dir, request.get("import_time_limit_s"))
            if request["module"]
            else None
        )
    except BaseException as error:  # noqa: BLE001 - SystemExit at import is the student's too.
        channel.send({"event": wire.Event.HELLO, "import_error": describe_exception(error, submission_dir)})
        return False
    channel.send({"event": wire.Event.HELLO, "import_error": None})
    context = Context(module=module, exercise=request["exercise"], seed=int(request["seed"]))
    while True:
        message = channel.receive()
        if message is None:
            return False
        if message.get("op") == wire.Op.RELEASE:
            return True
        probe = probes.get(message.get("probe"))
        if probe is None:
            channel.send(
                {
                    "ok": False,
                    "protocol_error": f"no probe {message.get('probe')!r} in PROBES (it has: {', '.join(probes)})",
                }
            )
            continue
        args = dict(message.get("args", {}))
        context.stand_ins = bool(args.pop(wire.STAND_INS_ARG, False))
        context.findings.clear()
        try:
            value = probe(context, **args)
        except BaseException as error:  # noqa: BLE001 - every student failure is an answer.
            channel.send({"ok": False, "error": describe_exception(error, submission_dir)})
            continue
        if context.stand_ins and isinstance(value, dict):
            value = {**value, wire.STAND_IN_FINDINGS: list(context.findings)}
        channel.send({"ok": True, "value": value})
