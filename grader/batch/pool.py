"""The worker processes of `grade batch`, and the worker's own main loop.

Each worker is a fresh interpreter (`python -m grader.batch.pool`, started with fork+exec from
the parent, never a bare fork of a threaded parent) that loads the course once, keeps one
`Reference` for the whole batch (its answers are memoised, so the reference's cost is paid
once per worker) and grades one submission folder per request with `grader.grading.runner.grade`.
Parent and worker exchange one JSON object per line; the worker's own stdout is its stderr,
so nothing a library prints can corrupt the channel, and the parent reads lines of bounded
size only. A worker that crashes or overruns the time of one submission is stopped with its
whole process tree (sandboxes included); that submission gets an error row, and a fresh
worker takes the next one. Each worker's temporary files live under the batch's folder,
which the parent removes. A worker is a child subreaper: on SIGTERM it kills everything below
it and reaps it, so no zombie is left; if the parent dies (`kill -9`), the kernel sends that
SIGTERM (PR_SET_PDEATHSIG) and the workers also remove the batch's folder themselves.
"""

from __future__ import annotations

import ctypes
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Callable, Generic, Iterator, TypeVar

from grader.course.config import Course
from grader.errors import InternalError, UsageError

MAX_LINE_BYTES = 16 * 1024 * 1024
STARTUP_TIMEOUT_S = 300.0
STOP_TIMEOUT_S = 60.0
TERMINATE_TIMEOUT_S = 15.0
LOG_TAIL_BYTES = 1500
PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36

Token = TypeVar("Token")


@dataclass(frozen=True)
class Outcome:
    """What a worker made of one submission: the result's JSON form, or why there is none."""

    result: dict[str, Any] | None
    error: str
    duration_s: float


@dataclass
class _Slot(Generic[Token]):
    index: int
    root: Path
    process: subprocess.Popen[bytes] | None = None
    buffer: bytearray = field(default_factory=bytearray)
    ready: bool = False
    token: Token | None = None
    busy: bool = False
    folder: Path | None = None
    sent: float = 0.0
    deadline: float = 0.0

    @property
    def log(self) -> Path:
        return self.root / f"worker-{self.index}.log"

    @property
    def tmp(self) -> Path:
        return self.root / f"worker-{self.index}"


class Pool(Generic[Token]):
    """`jobs` workers grading submissions for `course`, one at a time each."""

    def __init__(self, *, course: Course, solutions: Path | None, jobs: int, exercise_ids: list[str] | None,
                 root: Path, timeout_s: float) -> None:  # fmt: skip
        self.config = {
            "course": str(course.path),
            "solutions": None if solutions is None else str(solutions),
            "exercise_ids": list(exercise_ids or []),
            "parent_pid": os.getpid(),
            "root": str(root),
        }
        self.root = root
        self.timeout_s = timeout_s
        self.slots: list[_Slot[Token]] = [_Slot(index, root) for index in range(jobs)]
        self.counter = 0

    def run(self, jobs: Iterator[tuple[Token, dict[str, bytes]]], done: Callable[[Token, Outcome], None]) -> None:
        """Grade every job (a token and its module files), calling `done` in the parent for each."""
        exhausted = False
        try:
            while True:
                for slot in self.slots:
                    if exhausted or slot.busy:
                        continue
                    job = next(jobs, None)
                    if job is None:
                        exhausted = True
                        break
                    self._dispatch(slot, *job)
                busy = [slot for slot in self.slots if slot.busy]
                if not busy:
                    return
                self._wait(busy, done)
        finally:
            self.close()

    def _start(self, slot: _Slot[Token]) -> None:
        slot.tmp.mkdir(parents=True, exist_ok=True)
        environment = {**os.environ, "TMPDIR": str(slot.tmp), "PYTHONUNBUFFERED": "1"}
        with open(slot.log, "ab") as log:
            slot.process = subprocess.Popen(
                [sys.executable, "-m", "grader.batch.pool", json.dumps(self.config)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, env=environment,
            )  # fmt: skip
        slot.buffer.clear()
        slot.ready = False

    def _dispatch(self, slot: _Slot[Token], token: Token, modules: dict[str, bytes]) -> None:
        if slot.process is None:
            self._start(slot)
        assert slot.process is not None and slot.process.stdin is not None
        self.counter += 1
        slot.folder = self.root / "jobs" / str(self.counter)
        slot.folder.mkdir(parents=True)
        for name, data in modules.items():
            (slot.folder / name).write_bytes(data)
        slot.token, slot.busy, slot.sent = token, True, time.monotonic()
        slot.deadline = slot.sent + (self.timeout_s if slot.ready else STARTUP_TIMEOUT_S + self.timeout_s)
        try:
            slot.process.stdin.write(json.dumps({"folder": str(slot.folder)}).encode() + b"\n")
            slot.process.stdin.flush()
        except OSError:
            pass  # The worker is gone; its end of stdout says so in _wait.

    def _wait(self, busy: list[_Slot[Token]], done: Callable[[Token, Outcome], None]) -> None:
        with selectors.DefaultSelector() as selector:
            for slot in busy:
                assert slot.process is not None and slot.process.stdout is not None
                selector.register(slot.process.stdout, selectors.EVENT_READ, slot)
            timeout = max(0.0, min(1.0, min(slot.deadline for slot in busy) - time.monotonic()))
            for key, _ in selector.select(timeout):
                slot = key.data
                chunk = os.read(key.fd, 1 << 16)
                if not chunk:
                    status = slot.process.wait()
                    if not slot.ready:
                        raise InternalError(f"a grading process could not start (exit status {status}); its log ends with: {self._log_tail(slot)}")
                    self._fail(slot, done, f"the grading process ended unexpectedly (exit status {status}); its log ends with: {self._log_tail(slot)}")
                    continue
                slot.buffer += chunk
                self._lines(slot, done)
        now = time.monotonic()
        for slot in busy:
            if slot.busy and now > slot.deadline:
                self._fail(slot, done, f"grading this submission took longer than {self.timeout_s:g} s (all exercises together), and was stopped")

    def _lines(self, slot: _Slot[Token], done: Callable[[Token, Outcome], None]) -> None:
        while slot.busy and b"\n" in slot.buffer:
            line, _, rest = bytes(slot.buffer).partition(b"\n")
            slot.buffer = bytearray(rest)
            try:
                message = json.loads(line)
                if not isinstance(message, dict):
                    raise ValueError("not an object")
            except ValueError:
                self._fail(slot, done, "the grading process sent malformed data")
                return
            if message.get("ready"):
                # The submission's time starts now, not when the worker was started.
                slot.ready, slot.sent = True, time.monotonic()
                slot.deadline = slot.sent + self.timeout_s
            elif message.get("fatal"):
                raise UsageError(str(message.get("error")))
            else:
                result = message.get("result")
                outcome = Outcome(result if isinstance(result, dict) else None, str(message.get("error") or ""), time.monotonic() - slot.sent)
                self._finish_job(slot)
                done(slot.token, outcome)  # type: ignore[arg-type]
        if slot.busy and len(slot.buffer) > MAX_LINE_BYTES:
            self._fail(slot, done, f"the grading process sent more than {MAX_LINE_BYTES} bytes in one message")

    def _finish_job(self, slot: _Slot[Token]) -> None:
        slot.busy = False
        if slot.folder is not None:
            shutil.rmtree(slot.folder, ignore_errors=True)
            slot.folder = None

    def _fail(self, slot: _Slot[Token], done: Callable[[Token, Outcome], None], message: str) -> None:
        self._stop(slot, graceful=False)
        self._finish_job(slot)
        done(slot.token, Outcome(None, message, time.monotonic() - slot.sent))  # type: ignore[arg-type]

    def _log_tail(self, slot: _Slot[Token]) -> str:
        try:
            data = slot.log.read_bytes()[-LOG_TAIL_BYTES:]
        except OSError:
            return "(no log)"
        return data.decode("utf-8", errors="replace").strip() or "(nothing)"

    def _stop(self, slot: _Slot[Token], *, graceful: bool) -> None:
        process = slot.process
        if process is None:
            return
        if graceful and process.stdin is not None:
            try:
                process.stdin.close()
                process.wait(STOP_TIMEOUT_S)
            except (OSError, subprocess.TimeoutExpired):
                pass
        if process.poll() is None:
            # SIGTERM first: the worker kills its sandboxes and reaps them (no zombie left).
            process.terminate()
            try:
                process.wait(TERMINATE_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                pass
        if process.poll() is None:
            kill_tree(process.pid)
        process.wait()
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                try:
                    stream.close()
                except OSError:
                    pass
        slot.process = None
        shutil.rmtree(slot.tmp, ignore_errors=True)

    def close(self) -> None:
        for slot in self.slots:
            self._stop(slot, graceful=True)
            if slot.folder is not None:
                self._finish_job(slot)


def descendants(pid: int) -> list[int]:
    """Every process below `pid`, from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stream:
                fields = stream.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found: list[int] = []
    frontier = [pid]
    while frontier:
        for child in children.get(frontier.pop(), []):
            found.append(child)
            frontier.append(child)
    return found


def kill_tree(pid: int, *, include_root: bool = True) -> None:
    """Freeze `pid` and all its descendants (so none forks or escapes), then kill them all."""
    frozen: list[int] = [pid] if include_root else []
    for target in frozen:
        _signal(target, signal.SIGSTOP)
    for _ in range(20):
        new = [child for child in descendants(pid) if child not in frozen]
        if not new:
            break
        for child in new:
            _signal(child, signal.SIGSTOP)
        frozen += new
    for target in frozen:
        _signal(target, signal.SIGKILL)


def _signal(pid: int, number: int) -> None:
    try:
        os.kill(pid, number)
    except (ProcessLookupError, PermissionError):
        pass


# -- the worker process ------------------------------------------------------------------------


def _send(channel: IO[str], message: dict[str, Any]) -> None:
    channel.write(json.dumps(message) + "\n")
    channel.flush()


def reap_children(*, block: bool) -> None:
    """Collect the exit status of every finished child (orphans come here: this is a subreaper)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, 0 if block else os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _install_shutdown(parent_pid: int, root: str) -> None:
    """On SIGTERM (from the parent, or from the kernel when the parent dies): kill and reap everything below."""

    def shutdown(*_: object) -> None:
        kill_tree(os.getpid(), include_root=False)
        reap_children(block=True)
        if os.getppid() != parent_pid:
            shutil.rmtree(root, ignore_errors=True)  # Nobody else is left to remove it.
        os._exit(1)

    signal.signal(signal.SIGTERM, shutdown)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_CHILD_SUBREAPER, 1)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent_pid:
        shutdown()


def worker_main(config: dict[str, Any]) -> None:
    """Serve grading requests on stdin until it closes."""
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    _install_shutdown(int(config["parent_pid"]), str(config["root"]))
    from grader.check import find_reference
    from grader.course.config import load_course
    from grader.errors import ConfigError, GraderError
    from grader.grading.runner import grade

    try:
        course = load_course(Path(config["course"]))
        solutions = None if config["solutions"] is None else Path(config["solutions"])
        reference = find_reference(course, solutions)
    except GraderError as error:
        _send(channel, {"error": error.message, "fatal": True})
        return
    try:
        reference.start()
        _send(channel, {"ready": True})
        while line := sys.stdin.readline():
            request = json.loads(line)
            try:
                result = grade(course=course, submission_dir=Path(request["folder"]), reference=reference,
                               exercise_ids=config["exercise_ids"] or None)  # fmt: skip
                _send(channel, {"result": result.to_dict()})
            except ConfigError as error:
                _send(channel, {"error": error.message, "fatal": True})
            except GraderError as error:
                _send(channel, {"error": error.message})
            except Exception as error:  # noqa: BLE001 - a grader bug: reported as an error row, batch goes on
                traceback.print_exc()
                _send(channel, {"error": f"internal error in the grader: {type(error).__name__}: {error}"})
            reap_children(block=False)
    finally:
        reference.close()


if __name__ == "__main__":
    worker_main(json.loads(sys.argv[1]))
