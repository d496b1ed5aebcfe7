"""Run student code in a child process: bubblewrap where it works, rlimits otherwise.

One `Sandbox` per submission holds a zygote (a child that imported TensorFlow once) inside
the isolation; each exercise gets a `Worker` forked from it. Workers answer probe requests
with plain data; anything else (a crash, a timeout, too much output, malformed data) becomes
a `SubmissionFailure` that the suites report as a failed test.
"""

from __future__ import annotations

import functools
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.child import wire
from grader.child.worker import HARNESS_BROKEN
from grader.config import Limits
from grader.errors import InternalError

CHILD_PACKAGE = Path(__file__).parent / "child"
SANDBOX_ROOT = "/opt/gradekit"
SANDBOX_SUBMISSION = "/submission"
STARTUP_TIMEOUT_S = 180.0
CONTROL_TIMEOUT_S = 20.0
TMPFS_BYTES = 256 * 1024 * 1024
FILE_SIZE_LIMIT_MB = 64
OUTPUT_TAIL_BYTES = 4096

BUBBLEWRAP = "bubblewrap"
RLIMITS = "rlimits"


@dataclass(frozen=True)
class Isolation:
    """Which isolation this machine gives, and why not more."""

    name: str
    detail: str


class SubmissionFailure(Exception):
    """The student's code failed in a way that is not a wrong value: the test fails."""

    def __init__(self, message: str, *, kind: str, limit: str | None = None, not_implemented: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.limit = limit
        self.not_implemented = not_implemented


def _bwrap_base_command() -> list[str]:
    return ["bwrap", "--unshare-all", "--die-with-parent", "--new-session", "--ro-bind", "/usr", "/usr"]


@functools.lru_cache(maxsize=1)
def detect_isolation() -> Isolation:
    """Bubblewrap if it is installed and can create its namespaces here, else rlimits."""
    if os.environ.get("GRADER_ISOLATION") == RLIMITS:
        return Isolation(RLIMITS, "bubblewrap turned off by GRADER_ISOLATION=rlimits")
    if shutil.which("bwrap") is None:
        return Isolation(RLIMITS, "bubblewrap (bwrap) is not installed: sudo apt-get install bubblewrap")
    probe = subprocess.run(
        _bwrap_base_command() + _system_binds() + ["--proc", "/proc", "--dev", "/dev", "true"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if probe.returncode != 0:
        return Isolation(
            RLIMITS,
            "bubblewrap is installed but cannot create namespaces here"
            f" ({probe.stderr.strip()[:200]}); enable unprivileged user namespaces"
            " (sysctl kernel.unprivileged_userns_clone=1) or run as root",
        )
    return Isolation(BUBBLEWRAP, "bubblewrap: no network, read-only system, private /tmp, own PID namespace")


def _system_binds() -> list[str]:
    binds: list[str] = []
    for name in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        path = Path(name)
        if path.is_symlink():
            binds += ["--symlink", os.readlink(path), name]
        elif path.is_dir():
            binds += ["--ro-bind", name, name]
    for name in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime"):
        binds += ["--ro-bind-try", name, name]
    return binds


def _python_binds() -> list[str]:
    roots = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(), Path(sys.executable).resolve().parent.parent}
    binds: list[str] = []
    for root in sorted(roots, key=lambda path: len(path.parts)):
        if root == Path("/usr") or any(root.is_relative_to(Path(p)) for p in ("/usr",)):
            continue
        binds += ["--ro-bind", str(root), str(root)]
    # Never let student code read the grader itself (suites, hidden tests) from site-packages.
    grader_package = Path(__file__).resolve().parent
    if any(grader_package.is_relative_to(root) for root in roots):
        binds += ["--tmpfs", str(grader_package)]
    return binds


def _gpu_binds() -> list[str]:
    devices = sorted(str(path) for path in Path("/dev").glob("nvidia*"))
    if not devices:
        return []
    binds = ["--ro-bind", "/sys", "/sys"]
    for device in devices:
        binds += ["--dev-bind", device, device]
    return binds


def child_environment(home: str, python_path: str) -> dict[str, str]:
    """The allowlist: nothing else from the parent's environment (tokens, secrets) passes."""
    environment = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
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


class _OutputDrain(threading.Thread):
    """Reads everything the sandbox prints, keeping the count and a short tail."""

    def __init__(self, stream: Any) -> None:
        super().__init__(daemon=True)
        self.stream = stream
        self.total = 0
        self.tail = b""

    def run(self) -> None:
        while True:
            chunk = self.stream.read1(65536)
            if not chunk:
                return
            self.total += len(chunk)
            self.tail = (self.tail + chunk)[-OUTPUT_TAIL_BYTES:]


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
        self._ready = False

    # -- life cycle ------------------------------------------------------------------------

    def start(self) -> Sandbox:
        """Copy the submission and launch the zygote; returns at once (it imports in the background)."""
        self.scratch = Path(tempfile.mkdtemp(prefix="grader-sandbox-"))
        workspace = self.scratch / "submission"
        home = self.scratch / "home"
        workspace.mkdir()
        home.mkdir()
        for module in self.modules:
            source = self.submission_dir / f"{module}.py"
            if source.is_file():
                shutil.copyfile(source, workspace / source.name)
        parent_end, child_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        if self.isolation.name == BUBBLEWRAP:
            self._submission_path = SANDBOX_SUBMISSION
            command = (
                _bwrap_base_command()
                + _system_binds()
                + ["--proc", "/proc", "--dev", "/dev", "--size", str(TMPFS_BYTES), "--tmpfs", "/tmp"]
                + _gpu_binds()
                + _python_binds()
                + ["--ro-bind", str(CHILD_PACKAGE), f"{SANDBOX_ROOT}/gradechild"]
                + ["--bind", str(workspace), SANDBOX_SUBMISSION, "--chdir", SANDBOX_SUBMISSION]
                + [sys.executable, "-m", "gradechild", str(child_end.fileno())]
            )
            environment = child_environment("/tmp", SANDBOX_ROOT)
        else:
            self._submission_path = str(workspace)
            command = [sys.executable, "-m", "grader.child", str(child_end.fileno())]
            environment = child_environment(str(home), str(CHILD_PACKAGE.parent.parent))
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            pass_fds=[child_end.fileno()],
            env=environment,
            cwd=str(workspace),
            start_new_session=True,
        )
        child_end.close()
        self.control = parent_end
        self.drain = _OutputDrain(self.process.stdout)
        self.drain.start()
        return self

    def _control_receive(self, timeout: float) -> tuple[dict[str, Any], list[int]]:
        assert self.control is not None
        self.control.settimeout(timeout)
        try:
            data, fds, _, _ = socket.recv_fds(self.control, 65536, 1)
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
        return json.loads(data), list(fds)

    def _ensure_ready(self) -> None:
        if self._ready:
            return
        if self.process is None:
            self.start()
        message, _ = self._control_receive(STARTUP_TIMEOUT_S)
        if message.get("event") != "ready":
            raise InternalError(f"the sandbox started with an unexpected message {message!r}")
        self._ready = True

    def restart(self) -> None:
        self.close()
        self._ready = False
        self.start()

    def close(self) -> None:
        if self.control is not None:
            self.control.close()
            self.control = None
        if self.process is not None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait()
            if self.process.stdout is not None:
                self.process.stdout.close()
            self.process = None
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- workers ---------------------------------------------------------------------------

    def output_total(self) -> int:
        return self.drain.total if self.drain else 0

    def output_tail(self, limit: int = 600) -> str:
        if not self.drain:
            return ""
        text = self.drain.tail.decode("utf-8", errors="replace").strip()
        return ("…" + text[-limit:]) if len(text) > limit else (text or "(nothing)")

    def spawn(self, exercise: str, module: str | None) -> Worker:
        """Fork a worker for one exercise; it imports the student's module first."""
        self._ensure_ready()
        assert self.control is not None
        request = {
            "op": "spawn",
            "exercise": exercise,
            "module": module,
            "submission_dir": self._submission_path,
            "memory_limit_mb": self.limits.memory_limit_mb,
            "file_size_limit_mb": FILE_SIZE_LIMIT_MB,
        }
        self.control.send(json.dumps(request).encode("utf-8"))
        message, fds = self._control_receive(CONTROL_TIMEOUT_S)
        if message.get("event") != "spawned" or len(fds) != 1:
            raise SubmissionFailure(f"the sandbox could not start a worker: {message!r}", kind="sandbox")
        worker = Worker(self, int(message["pid"]), socket.socket(fileno=fds[0]))
        hello = worker.receive(self.limits.time_limit_s, during="importing your module")
        if hello.get("event") != "hello":
            worker.finish()
            raise SubmissionFailure("the worker answered with malformed data while starting", kind="protocol")
        if hello.get("import_error"):
            worker.finish()
            raise student_error(hello["import_error"], f"importing {module}.py")
        return worker

    def finish_worker(self, pid: int) -> dict[str, Any]:
        """Kill a worker's process group and reap it; returns its exit status."""
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


def student_error(error: dict[str, Any], during: str) -> SubmissionFailure:
    """A failure built from the worker's description of an exception the student's code raised."""
    where = ("; at " + " <- ".join(reversed(error.get("frames") or []))) if error.get("frames") else ""
    if error.get("not_implemented"):
        task = f": {error.get('message')}" if error.get("message") else ""
        return SubmissionFailure(f"not implemented yet{task}", kind="not_implemented", not_implemented=True)
    if error.get("system_exit"):
        return SubmissionFailure(
            f"your code called sys.exit({error.get('message')}) while {during}: remove the exit call",
            kind="exception",
        )
    if error.get("memory"):
        return SubmissionFailure(
            f"your code ran out of memory while {during} ({error.get('type')}: {error.get('message')}):"
            " it allocates more than the memory limit allows",
            kind="memory",
            limit="memory",
        )
    return SubmissionFailure(
        f"your code raised {error.get('type')}: {error.get('message')} while {during}{where}", kind="exception"
    )


class Worker:
    """One forked child serving one exercise."""

    def __init__(self, sandbox: Sandbox, pid: int, sock: socket.socket) -> None:
        self.sandbox = sandbox
        self.pid = pid
        self.sock = sock
        self.alive = True

    def finish(self) -> dict[str, Any]:
        if not self.alive:
            return {}
        self.alive = False
        self.sock.close()
        return self.sandbox.finish_worker(self.pid)

    def receive(self, timeout: float, during: str) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        output_mark = self.sandbox.output_total()
        output_limit = self.sandbox.limits.output_limit_kb * 1024
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.finish()
                raise SubmissionFailure(
                    f"time limit: your code ran for more than {timeout:g} s while {during}, and was stopped;"
                    " look for an endless loop or a wait",
                    kind="timeout",
                    limit="time",
                )
            if self.sandbox.output_total() - output_mark > output_limit:
                self.finish()
                raise SubmissionFailure(
                    f"output limit: your code printed more than {self.sandbox.limits.output_limit_kb} KB while"
                    f" {during}, and was stopped; remove the prints from loops",
                    kind="output",
                    limit="output",
                )
            readable, _, _ = select.select([self.sock], [], [], min(0.05, remaining))
            if readable:
                break
        self.sock.settimeout(max(deadline - time.monotonic(), 1.0))
        try:
            message = wire.receive(self.sock)
        except (wire.WireError, OSError, UnicodeDecodeError) as error:
            self.finish()
            raise SubmissionFailure(
                f"the process running your code sent malformed data while {during} ({error})", kind="protocol"
            ) from error
        if message is None:
            status = self.finish()
            raise SubmissionFailure(self._death_message(status, during), kind="crash")
        if not isinstance(message, dict):
            self.finish()
            raise SubmissionFailure(f"the process running your code sent malformed data while {during}", kind="protocol")
        return message

    def _death_message(self, status: dict[str, Any], during: str) -> str:
        if status.get("signal") == signal.SIGSEGV:
            cause = "it crashed with a segmentation fault"
        elif status.get("signal") in (signal.SIGKILL, signal.SIGABRT):
            cause = f"it was killed by signal {status['signal']} (often: out of memory)"
        elif status.get("exit_code") == HARNESS_BROKEN:
            cause = (
                "the grader's code inside that process failed, because your code patched or replaced"
                " something Python, NumPy or TensorFlow rely on (builtins, library functions); remove the patching"
            )
        elif status.get("exit_code") is not None:
            cause = f"it exited with status {status['exit_code']} (a call to os._exit or exit in your code?)"
        else:
            cause = "it ended"
        return f"the process running your code ended while {during}: {cause}. Last output: {self.sandbox.output_tail(300)}"

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
            raise student_error(message["error"], during)
        if "protocol_error" in message:
            raise InternalError(f"the sandbox did not know a probe: {message['protocol_error']}")
        self.finish()
        raise SubmissionFailure(f"the process running your code sent malformed data while {during}", kind="protocol")
