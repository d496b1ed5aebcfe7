"""Run student code in a child process: bubblewrap where it works, rlimits otherwise.

One `Sandbox` per submission holds a zygote (a child that imported TensorFlow once) inside
the isolation (see `grader.isolation`); each exercise gets a `Worker` forked from it. Workers
answer probe requests with plain data; anything else (a crash, a timeout, too much output,
malformed data) becomes a `SubmissionFailure` that the suites report as a failed test.
Nothing of a sandbox outlives `close()`: its processes are killed (PID namespace, process
tree, dedicated uid) and its scratch area removed.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from grader.child import wire
from grader.child.worker import HARNESS_BROKEN, SETUP_FAILED
from grader.config import Limits
from grader.errors import InternalError
from grader.isolation import (
    BUBBLEWRAP,
    CHILD_PACKAGE,
    RLIMITS,
    SANDBOX_ROOT,
    SANDBOX_SUBMISSION,
    SCRATCH_SLACK_BYTES,
    Isolation,
    UidLease,
    bwrap_command,
    child_environment,
    detect_isolation,
    kill_tree,
    remove_files_of,
    sandbox_process_limit,
    sweep_uid,
)

__all__ = ["BUBBLEWRAP", "RLIMITS", "Isolation", "Sandbox", "SubmissionFailure", "Worker", "child_environment", "detect_isolation"]

STARTUP_TIMEOUT_S = 180.0
CONTROL_TIMEOUT_S = 20.0
FILE_SIZE_LIMIT_MB = 64
# How long past the import limit the parent waits before it kills a worker that did not
# answer by itself (its own watchdog could not run: a C call holding the interpreter).
IMPORT_LIMIT_MARGIN_S = 5.0
OUTPUT_TAIL_BYTES = 4096
# What the zygote itself may print (TensorFlow's start-up lines) before the parent stops
# reading it; a worker's own output goes through its own pipe.
ZYGOTE_OUTPUT_CAP_BYTES = 1024 * 1024


class SubmissionFailure(Exception):
    """The student's code failed in a way that is not a wrong value: the test fails."""

    def __init__(self, message: str, *, kind: str, limit: str | None = None, not_implemented: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.limit = limit
        self.not_implemented = not_implemented


class _OutputDrain(threading.Thread):
    """Reads what the zygote prints, keeping a short tail; stops reading past a cap (the writer then blocks)."""

    def __init__(self, stream: Any) -> None:
        super().__init__(daemon=True)
        self.stream = stream
        self.total = 0
        self.tail = b""

    def run(self) -> None:
        while self.total < ZYGOTE_OUTPUT_CAP_BYTES:
            try:
                chunk = self.stream.read1(65536)
            except (OSError, ValueError):
                return
            if not chunk:
                return
            self.total += len(chunk)
            self.tail = (self.tail + chunk)[-OUTPUT_TAIL_BYTES:]


def _tail_text(data: bytes, limit: int) -> str:
    text = data.decode("utf-8", errors="replace").strip()
    return ("…" + text[-limit:]) if len(text) > limit else (text or "(nothing)")


class Sandbox:
    """The isolation for one submission: a scratch copy of its modules and a zygote."""

    def __init__(self, submission_dir: Path, modules: list[str], limits: Limits, isolation: Isolation | None = None) -> None:
        self.submission_dir = Path(submission_dir)
        self.modules = list(modules)
        self.limits = limits
        self.isolation = isolation or detect_isolation()
        self.scratch: Path | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self.control: socket.socket | None = None
        self.drain: _OutputDrain | None = None
        self.lease: UidLease | None = None
        # Modules that were not copied into the sandbox, and why (a link, a device, too big).
        self.refused: dict[str, str] = {}
        self._submission_path = SANDBOX_SUBMISSION
        self._ready = False

    # -- life cycle ------------------------------------------------------------------------

    def _open_module(self, module: str) -> int | None:
        """A read-only descriptor of the module, never following a link; None (and a reason) if refused."""
        path = self.submission_dir / f"{module}.py"
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except FileNotFoundError:
            return None
        except OSError as error:
            self.refused[module] = f"{module}.py could not be read ({error.strerror}): hand in the file itself, not a link to it"
            return None
        info = os.fstat(fd)
        problem = ""
        if not stat.S_ISREG(info.st_mode):
            problem = f"{module}.py is not a regular file: hand in the file itself"
        elif info.st_size > FILE_SIZE_LIMIT_MB * 1024 * 1024:
            problem = f"{module}.py is {info.st_size} bytes, over the {FILE_SIZE_LIMIT_MB} MB a module may have"
        if problem:
            os.close(fd)
            self.refused[module] = problem
            return None
        return fd

    def start(self) -> Sandbox:
        """Copy the submission and launch the zygote; returns at once (it imports in the background)."""
        self.refused = {}
        if self.isolation.dedicated_uid:
            self.lease = UidLease()
        parent_end, child_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.control = parent_end
        fds: dict[str, int] = {}
        try:
            for module in self.modules:
                fd = self._open_module(module)
                if fd is not None:
                    fds[f"{module}.py"] = fd
            if self.isolation.name == BUBBLEWRAP:
                self._submission_path = SANDBOX_SUBMISSION
                size = SCRATCH_SLACK_BYTES + sum(os.fstat(fd).st_size for fd in fds.values())
                command = bwrap_command(fds, size, child_end.fileno())
                environment = child_environment("/tmp", SANDBOX_ROOT)
                cwd = "/"
            else:
                command, environment, cwd = self._prepare_scratch(fds, child_end.fileno())
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                pass_fds=[child_end.fileno(), *fds.values()],
                env=environment,
                cwd=cwd,
                start_new_session=True,
            )
        except BaseException:
            self.close()
            raise
        finally:
            for fd in fds.values():
                os.close(fd)
            child_end.close()
        self.drain = _OutputDrain(self.process.stdout)
        self.drain.start()
        return self

    def _prepare_scratch(self, fds: dict[str, int], control_fd: int) -> tuple[list[str], dict[str, str], str]:
        """The rlimits mode's host folder: the modules, a home, and a private copy of the child package."""
        self.scratch = Path(tempfile.mkdtemp(prefix="grader-sandbox-"))
        workspace, home = self.scratch / "submission", self.scratch / "home"
        workspace.mkdir()
        home.mkdir()
        shutil.copytree(CHILD_PACKAGE, self.scratch / "gradekit" / "gradechild", ignore=shutil.ignore_patterns("__pycache__"))
        for name, fd in fds.items():
            with os.fdopen(os.dup(fd), "rb") as source, open(workspace / name, "wb") as target:
                shutil.copyfileobj(source, target)
        if self.lease is not None:
            for path in (workspace, home, *workspace.iterdir()):
                os.chown(path, self.lease.uid, self.lease.uid)
            os.chmod(self.scratch, 0o711)
        self._submission_path = str(workspace)
        command = [sys.executable, "-m", "gradechild", str(control_fd)]
        return command, child_environment(str(home), str(self.scratch / "gradekit")), str(workspace)

    def _control_receive(self, timeout: float) -> tuple[dict[str, Any], list[int]]:
        assert self.control is not None
        self.control.settimeout(timeout)
        try:
            data, fds, _, _ = socket.recv_fds(self.control, 65536, 2)
        except (TimeoutError, OSError) as error:
            raise SubmissionFailure(
                f"the sandbox stopped answering ({type(error).__name__}); its last output: {self.output_tail()}",
                kind="sandbox",
            ) from error
        if not data:
            raise SubmissionFailure(
                "the sandbox ended (the submission killed it, or it could not start);"
                f" its last output: {self.output_tail()}",
                kind="sandbox",
            )
        try:
            message = json.loads(data)
        except ValueError as error:
            for fd in fds:
                os.close(fd)
            raise SubmissionFailure("the sandbox sent malformed data", kind="sandbox") from error
        return message, list(fds)

    def _ensure_ready(self) -> None:
        if self._ready:
            return
        if self.process is None:
            self.start()
        try:
            message, _ = self._control_receive(STARTUP_TIMEOUT_S)
        except SubmissionFailure as failure:
            # No student code runs before "ready": a sandbox that cannot start is the machine's
            # problem (TensorFlow missing, bubblewrap broken), never a student's zero.
            raise InternalError(
                f"the sandbox could not start ({failure.message}); run `grade doctor` to see what is missing"
            ) from failure
        if message.get("event") != "ready":
            raise InternalError(f"the sandbox started with an unexpected message {message!r}")
        self._ready = True

    def restart(self) -> None:
        self.close()
        self._ready = False
        self.start()

    def close(self) -> None:
        """Kill everything the sandbox ran and remove its scratch area; safe to call twice."""
        if self.control is not None:
            self.control.close()
            self.control = None
        if self.process is not None:
            if self.isolation.name != BUBBLEWRAP:
                # No PID namespace: the zygote is a subreaper, so everything left is below it.
                kill_tree(self.process.pid)
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait()
            if self.process.stdout is not None:
                self.process.stdout.close()
            self.process = None
        if self.lease is not None:
            sweep_uid(self.lease.uid)
            if self.isolation.name == RLIMITS:
                remove_files_of(self.lease.uid)
            self.lease.close()
            self.lease = None
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- workers ---------------------------------------------------------------------------

    def output_tail(self, limit: int = 600) -> str:
        return _tail_text(self.drain.tail, limit) if self.drain else ""

    def spawn(self, exercise: str, module: str | None, *, seed: int, import_time_limit_s: float | None = None) -> Worker:
        """Fork a worker for one exercise, its generators seeded with `seed`; it imports the
        student's module first, within `import_time_limit_s` (default: course.toml's time_limit_s).
        The worker itself stops an import that runs out and names the line it was running."""
        if module is not None and module in self.refused:
            raise SubmissionFailure(self.refused[module], kind="missing")
        self._ensure_ready()
        assert self.control is not None
        request = {
            "op": "spawn",
            "exercise": exercise,
            "module": module,
            "submission_dir": self._submission_path,
            "memory_limit_mb": self.limits.memory_limit_mb,
            "file_size_limit_mb": FILE_SIZE_LIMIT_MB,
            "process_limit": sandbox_process_limit(self.isolation),
            "uid": self.lease.uid if self.lease is not None else None,
            "keep_read_access": self.isolation.name == RLIMITS,
            "seed": int(seed),
            "import_time_limit_s": min(self.limits.time_limit_s, import_time_limit_s or self.limits.time_limit_s),
        }
        self.control.send(json.dumps(request).encode("utf-8"))
        message, fds = self._control_receive(CONTROL_TIMEOUT_S)
        if message.get("event") != "spawned" or len(fds) != 2:
            for fd in fds:
                os.close(fd)
            raise SubmissionFailure(f"the sandbox could not start a worker: {message!r}", kind="sandbox")
        worker = Worker(self, int(message["pid"]), socket.socket(fileno=fds[0]), fds[1])
        # The worker answers by itself when the import runs out; this is the backstop.
        limit = request["import_time_limit_s"] + IMPORT_LIMIT_MARGIN_S
        started = time.monotonic()
        hello = worker.receive(limit, during=f"importing {module}.py" if module else "starting")
        worker.import_s = time.monotonic() - started
        if hello.get("event") != "hello":
            worker.finish()
            raise SubmissionFailure("the worker answered with malformed data while starting", kind="protocol")
        if hello.get("import_error"):
            worker.finish()
            raise student_error(hello["import_error"], f"importing {module}.py", self.limits.memory_limit_mb)
        return worker

    def finish_worker(self, pid: int) -> dict[str, Any]:
        """Kill a worker's process group and whatever escaped it, reap it; returns its exit status."""
        if self.control is None:
            return {}
        try:
            self.control.send(json.dumps({"op": "finish", "pid": pid}).encode("utf-8"))
            message, _ = self._control_receive(CONTROL_TIMEOUT_S)
            return message
        except (SubmissionFailure, OSError):
            # The zygote itself is gone (the submission killed it): start afresh next time.
            self.restart()
            return {}


def student_error(error: dict[str, Any], during: str, memory_limit_mb: int | None = None) -> SubmissionFailure:
    """A failure built from the worker's description of an exception the student's code raised."""
    frames = list(error.get("frames") or [])
    where = ("; at " + " <- ".join(reversed(frames))) if frames else ""
    if error.get("import_timeout"):
        running = f" It was running {frames[-1]}." if frames else ""
        return SubmissionFailure(
            f"time limit: {error.get('message')} (a module's top-level code runs when it is imported), and was"
            f" stopped.{running} Move long training loops and experiments into a function, or under"
            ' `if __name__ == "__main__":`, and look for an endless loop.',
            kind="timeout",
            limit="time",
        )
    if error.get("contract"):
        return SubmissionFailure(f"{error.get('message')}.", kind="exception")
    if error.get("not_implemented"):
        task = f": {error.get('message')}" if error.get("message") else ""
        return SubmissionFailure(f"not implemented yet{task}", kind="not_implemented", not_implemented=True)
    if error.get("system_exit"):
        return SubmissionFailure(
            f"your code called sys.exit({error.get('message')}) while {during}: remove the exit call",
            kind="exception",
        )
    if error.get("memory"):
        allowed = f" of {memory_limit_mb} MB" if memory_limit_mb else ""
        return SubmissionFailure(
            f"memory limit: your code ran out of memory while {during} ({error.get('type')}: {error.get('message')}):"
            f" it allocates more than the memory limit{allowed} allows; allocate smaller arrays",
            kind="memory",
            limit="memory",
        )
    advice = advice_for(str(error.get("type")), str(error.get("message")))
    if frames:
        place = frames[-1].split(": ", 1)[0]
        return SubmissionFailure(
            f"{place}: your code raised {error.get('type')}: {error.get('message')} while {during}.{advice}"
            f" Traceback (your code, innermost last): {' <- '.join(reversed(frames))}",
            kind="exception",
        )
    return SubmissionFailure(f"your code raised {error.get('type')}: {error.get('message')} while {during}.{advice}", kind="exception")


ADVICE: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("ModuleNotFoundError", "ImportError"), "", " Import only what the grader has (tensorflow, keras, numpy and the standard library), and check the spelling."),
    (("NameError",), "", " A name is used before it is defined or imported: check its spelling, and import what you use (import tensorflow as tf)."),
    (("UnboundLocalError",), "", " A variable is read before it is assigned in this function: assign it first, on every path."),
    (("InvalidArgumentError", "ValueError"), "shape", " The shapes do not fit together: print the shapes of the tensors on that line and compare them with the exercise's."),
    (("InvalidArgumentError", "TypeError", "NotFoundError"), "dtype", " Two tensors have different dtypes: keep everything float32 (tf.cast or dtype=tf.float32)."),
    (("AttributeError",), "", " An object does not have that attribute: check the name, and whether the value is a tensor, a NumPy array or a Variable."),
    (("TypeError",), "argument", " A function was called with the wrong arguments: compare the call with the function's parameters."),
    (("IndexError",), "", " An index is out of range: index only the first axis (the samples), and check the sizes."),
    (("ZeroDivisionError",), "", " A division by zero: check the sizes you divide by."),
)


def advice_for(kind: str, message: str) -> str:
    """One sentence on what to do about a common exception in the student's code."""
    lowered = message.lower()
    if "determinism is enabled" in lowered:
        # The grader's own setting, never the student's mistake as such.
        return (
            " The grader runs TensorFlow deterministically and seeds it before your module is imported; this op still"
            " had no seed because your code reset it (tf.random.set_seed(None)) or used a non-deterministic generator:"
            " pass seed=... to the op, or remove the reset."
        )
    for kinds, word, advice in ADVICE:
        if kind in kinds and word in lowered:
            return advice
    return ""


class Worker:
    """One forked child serving one exercise; its stdout and stderr come through its own pipe."""

    def __init__(self, sandbox: Sandbox, pid: int, sock: socket.socket, output_fd: int) -> None:
        self.sandbox = sandbox
        self.pid = pid
        self.sock = sock
        self.output_fd: int | None = output_fd
        self.output_total = 0
        self.output_tail = b""
        self.alive = True
        # Seconds the worker took to import the student's module (set by `Sandbox.spawn`).
        self.import_s = 0.0

    def finish(self) -> dict[str, Any]:
        if not self.alive:
            return {}
        self.alive = False
        self.sock.close()
        if self.output_fd is not None:
            os.close(self.output_fd)
            self.output_fd = None
        return self.sandbox.finish_worker(self.pid)

    def _read_output(self) -> None:
        assert self.output_fd is not None
        chunk = os.read(self.output_fd, 65536)
        if not chunk:
            os.close(self.output_fd)
            self.output_fd = None
            return
        self.output_total += len(chunk)
        self.output_tail = (self.output_tail + chunk)[-OUTPUT_TAIL_BYTES:]

    def _fail(self, message: str, *, kind: str, limit: str | None = None) -> SubmissionFailure:
        self.finish()
        return SubmissionFailure(message, kind=kind, limit=limit)

    def receive(self, timeout: float, during: str) -> dict[str, Any]:
        """The worker's next message; its output is counted meanwhile. Raises on a limit or bad data."""
        deadline = time.monotonic() + timeout
        output_mark = self.output_total
        output_limit = self.sandbox.limits.output_limit_kb * 1024
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise self._timeout(timeout, during)
            watched: list[Any] = [self.sock] + ([self.output_fd] if self.output_fd is not None else [])
            readable, _, _ = select.select(watched, [], [], remaining)
            if self.output_fd is not None and self.output_fd in readable:
                self._read_output()
                if self.output_total - output_mark > output_limit:
                    raise self._fail(
                        f"output limit: your code printed more than {self.sandbox.limits.output_limit_kb} KB while"
                        f" {during}, and was stopped; remove the prints from loops",
                        kind="output",
                        limit="output",
                    )
            if self.sock in readable:
                break
        try:
            message = self._read_message(deadline, timeout, during)
        except (wire.WireError, OSError, UnicodeDecodeError) as error:
            raise self._fail(
                f"the process running your code sent malformed data while {during} ({error})", kind="protocol"
            ) from error
        if message is None:
            status = self.finish()
            raise SubmissionFailure(self._death_message(status, during), kind="crash")
        if not isinstance(message, dict):
            raise self._fail(f"the process running your code sent malformed data while {during}", kind="protocol")
        return message

    def _timeout(self, timeout: float, during: str) -> SubmissionFailure:
        return self._fail(
            f"time limit: your code ran for more than {timeout:g} s while {during}, and was stopped;"
            " look for an endless loop or a wait",
            kind="timeout",
            limit="time",
        )

    def _read_message(self, deadline: float, timeout: float, during: str) -> Any:
        """One length-prefixed message, read within the deadline (a worker cannot stall the parent)."""
        header = self._read_exactly(wire.HEADER.size, deadline, timeout, during, at_start=True)
        if header is None:
            return None
        (size,) = wire.HEADER.unpack(header)
        if size > wire.MAX_MESSAGE_BYTES:
            raise wire.WireError(f"message of {size} bytes is over the limit of {wire.MAX_MESSAGE_BYTES} bytes")
        body = self._read_exactly(size, deadline, timeout, during, at_start=False)
        return wire.decode(body or b"")

    def _read_exactly(self, size: int, deadline: float, timeout: float, during: str, *, at_start: bool) -> bytes | None:
        chunks: list[bytes] = []
        remaining = size
        self.sock.setblocking(False)
        try:
            while remaining:
                # The answer itself may be large: allow it a little beyond the call's own limit.
                left = deadline + 5.0 - time.monotonic()
                if left <= 0:
                    raise self._timeout(timeout, during)
                readable, _, _ = select.select([self.sock], [], [], left)
                if not readable:
                    continue
                try:
                    chunk = self.sock.recv(min(remaining, 1 << 20))
                except BlockingIOError:
                    continue
                if not chunk:
                    if at_start and not chunks:
                        return None
                    raise wire.WireError("the message was cut off")
                chunks.append(chunk)
                remaining -= len(chunk)
        finally:
            if self.alive:
                self.sock.setblocking(True)
        return b"".join(chunks)

    def _death_message(self, status: dict[str, Any], during: str) -> str:
        if status.get("signal") == signal.SIGSEGV:
            cause = "it crashed with a segmentation fault"
        elif status.get("signal") in (signal.SIGKILL, signal.SIGABRT):
            cause = f"it was killed by signal {status['signal']} (often: out of memory)"
        elif status.get("exit_code") == SETUP_FAILED:
            cause = (
                "the sandbox could not set its limits or drop its privileges before running your code (a problem of"
                " the grader, not of your code: tell your instructor, who can run `grade doctor`)"
            )
        elif status.get("exit_code") == HARNESS_BROKEN:
            cause = (
                "the grader's code inside that process failed, because your code patched or replaced"
                " something Python, NumPy or TensorFlow rely on (builtins, library functions); remove the patching"
            )
        elif status.get("exit_code") is not None:
            cause = f"it exited with status {status['exit_code']} (a call to os._exit or exit in your code?)"
        else:
            cause = "it ended"
        return f"the process running your code ended while {during}: {cause}. Last output: {_tail_text(self.output_tail, 300)}"

    def call(self, probe: str, timeout: float, during: str, **args: Any) -> Any:
        if not self.alive:
            raise SubmissionFailure("the process running your code has already ended", kind="crash")
        try:
            self.sock.settimeout(timeout)
            self.sock.sendall(wire.encode({"probe": probe, "args": args}))
        except OSError as error:
            status = self.finish()
            raise SubmissionFailure(self._death_message(status, during), kind="crash") from error
        message = self.receive(timeout, during)
        if message.get("ok") is True and "value" in message:
            return message["value"]
        if isinstance(message.get("error"), dict):
            raise student_error(message["error"], during, self.sandbox.limits.memory_limit_mb)
        if "protocol_error" in message:
            raise InternalError(f"the sandbox did not know a probe: {message['protocol_error']}")
        self.finish()
        raise SubmissionFailure(f"the process running your code sent malformed data while {during}", kind="protocol")
