"""The worker processes of `grade batch`, seen from the parent (their main loop is `pool_worker`).

Each worker is a fresh interpreter (`python -m grader.batch.pool_worker`, started with fork+exec from
the parent, never a bare fork of a threaded parent) that loads the course once, keeps one
`Reference` for the whole batch (its answers are memoised, so the reference's cost is paid
once per worker) and grades one submission folder per request with `grader.grading.runner.grade`.
Parent and worker exchange one JSON object per line (the worker's are typed messages,
`grader.batch.pool_messages`); the worker's own stdout is its stderr, so nothing a library
prints can corrupt the channel, and the parent reads lines of bounded size only. A worker
that crashes or overruns the time of one submission is stopped with its whole process tree
(sandboxes included); that submission gets an error row, and a fresh worker takes the next one. Each worker's temporary files live under the batch's folder,
which the parent removes. A worker is a child subreaper: on SIGTERM it kills everything below
it and reaps it, so no zombie is left; if the parent dies (`kill -9`), the kernel sends that
SIGTERM (PR_SET_PDEATHSIG) and the workers also remove the batch's folder themselves.
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from grader.batch.counted import BatchInputs
from grader.batch.pool_messages import WorkerMessage, WorkerSays
from grader.course.config import Course
from grader.errors import InternalError, UsageError
from grader.sandbox.processes import kill_tree

MAX_LINE_BYTES = 16 * 1024 * 1024
STARTUP_TIMEOUT_S = 300.0
STOP_TIMEOUT_S = 60.0
TERMINATE_TIMEOUT_S = 15.0
LOG_TAIL_BYTES = 1500

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

    def __init__(
        self,
        *,
        course: Course,
        solutions: Path | None,
        jobs: int,
        exercise_ids: list[str] | None,
        root: Path,
        timeout_s: float,
        inputs: BatchInputs,
    ) -> None:
        self.config = {
            "course": str(course.path),
            "solutions": None if solutions is None else str(solutions),
            "exercise_ids": list(exercise_ids or []),
            "parent_pid": os.getpid(),
            "root": str(root),
            # Never the secret itself (a command line is readable by every process): the workers load it as
            # the parent did, and refuse to grade when theirs is another.
            "inputs": inputs.to_dict(),
        }
        self.root = root
        self.timeout_s = timeout_s
        self.slots: list[_Slot[Token]] = [_Slot(index, root) for index in range(jobs)]
        self.counter = 0

    def run(self, jobs: Iterator[tuple[Token, dict[str, bytes], str]], done: Callable[[Token, Outcome], None]) -> None:
        """Grade every job (a token, its module files and its student's id), calling `done` in the parent for each."""
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
                [sys.executable, "-m", "grader.batch.pool_worker", json.dumps(self.config)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                env=environment,
            )
        slot.buffer.clear()
        slot.ready = False

    def _dispatch(self, slot: _Slot[Token], token: Token, modules: dict[str, bytes], student: str) -> None:
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
            slot.process.stdin.write(json.dumps({"folder": str(slot.folder), "student": student}).encode() + b"\n")
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
                        raise InternalError(
                            f"a grading process could not start (exit status {status}); its log ends with: {self._log_tail(slot)}"
                        )
                    self._fail(
                        slot,
                        done,
                        f"the grading process ended unexpectedly (exit status {status}); its log ends with: {self._log_tail(slot)}",
                    )
                    continue
                slot.buffer += chunk
                self._lines(slot, done)
        now = time.monotonic()
        for slot in busy:
            if slot.busy and now > slot.deadline:
                self._fail(
                    slot,
                    done,
                    f"grading this submission took longer than {self.timeout_s:g} s (all exercises together), and was stopped",
                )

    def _lines(self, slot: _Slot[Token], done: Callable[[Token, Outcome], None]) -> None:
        while slot.busy and b"\n" in slot.buffer:
            line, _, rest = bytes(slot.buffer).partition(b"\n")
            slot.buffer = bytearray(rest)
            try:
                message = WorkerMessage.from_dict(json.loads(line))
            except ValueError:
                self._fail(slot, done, "the grading process sent malformed data")
                return
            if message.kind == WorkerSays.READY:
                # The submission's time starts now, not when the worker was started.
                slot.ready, slot.sent = True, time.monotonic()
                slot.deadline = slot.sent + self.timeout_s
            elif message.kind == WorkerSays.FATAL:
                raise UsageError(message.error)
            else:
                outcome = Outcome(message.result, message.error, time.monotonic() - slot.sent)
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
