"""What the suites call: the student's code and the reference, one exercise at a time.

`ExerciseCalls` owns the worker of one exercise in the student's sandbox: it spawns the
worker on first use, spawns a fresh one after a crash, remembers a module that failed to
import (so each exercise that needs it fails at once with the same message), and stops
calling an exercise whose code has already run out of time twice.
`StudentCalls` is one submission's sandbox and its exercises' calls. The reference's answers
to the same probes are `grader.grading.reference`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from grader.course.config import Course, ExerciseSpec
from grader.grading.reference import Reference, exercise_seed, probe_key
from grader.results import Limit
from grader.sandbox.child import wire
from grader.sandbox.engine import BaseSandbox
from grader.sandbox.factory import open_sandbox
from grader.sandbox.failures import FailureKind, SubmissionFailure
from grader.sandbox.warm_pool import WarmPool
from grader.sandbox.worker_end import WorkerEnd

TIMEOUTS_BEFORE_GIVING_UP = 2
# A student's call may take this multiple of the reference's time for the same probe on
# this machine, never less than the floor (TensorFlow's first trace on a slow laptop) and
# never more than course.toml's time_limit_s.
TIME_LIMIT_MULTIPLE = 10.0
TIME_LIMIT_FLOOR_S = 10.0
# Importing the student's module may take this multiple of the reference module's import
# time here, never less than the floor: a script that builds its data and trains a few
# steps at import fits, an endless loop at import is stopped within seconds.
IMPORT_LIMIT_MULTIPLE = 10.0
IMPORT_LIMIT_FLOOR_S = 10.0


def describe_probe(exercise: ExerciseSpec, probe: str) -> str:
    """What a probe does, in a student's words: "running training_step (train)"."""
    if probe == "call":
        return f"running {exercise.id}"
    return f"running {exercise.id} ({probe.replace('_', ' ')})"


class ExerciseCalls:
    """Calls into the student's code for one exercise."""

    def __init__(
        self,
        sandbox: BaseSandbox,
        exercise: ExerciseSpec,
        module_failures: dict[str, SubmissionFailure],
        time_limit_s: float,
        reference: Reference | None = None,
    ) -> None:
        self.sandbox = sandbox
        self.exercise = exercise
        self.module_failures = module_failures
        self.time_limit_s = time_limit_s
        self.reference = reference
        self.worker: WorkerEnd | None = None
        self.timeouts = 0
        # The answers of public tests, (probe, arguments, answer), for the student's HTML report;
        # the runner turns recording off while a hidden test runs, so hidden inputs are never drawn.
        self.recording = True
        self.answers: list[tuple[str, dict[str, Any], Any]] = []
        # The last probe that reached the student's code with inputs, in the current test (the runner
        # clears it before each test): what a failure on instructor inputs describes, without values.
        self.last_call: tuple[str, dict[str, Any]] | None = None
        # Set by the runner while it grades a failed test again with correct stand-ins for the student's
        # collaborators (the pack's STAND_INS); `findings` gathers what they found wrong with the student's own.
        self.stand_ins = False
        self.findings: list[str] = []
        # The student's answers in this grading, by request: a suite that asks the same question again (another
        # test reading the same fit) gets the first answer; `fresh=True` asks the student's code again.
        self.memo: dict[tuple[bool, str], dict[str, Any]] = {}

    def _worker(self) -> WorkerEnd:
        module = self.exercise.module
        if module in self.module_failures:
            raise self.module_failures[module]
        if self.worker is None or not self.worker.alive:
            if not (self.sandbox.submission_dir / f"{module}.py").is_file():
                failure = SubmissionFailure(
                    f"{module}.py is missing from {self.sandbox.submission_dir}: put your {module}.py there"
                    " (copy it from exercises/ if you deleted it)",
                    kind=FailureKind.MISSING,
                )
                self.module_failures[module] = failure
                raise failure
            try:
                self.worker = self.sandbox.spawn(
                    self.exercise.id, module, seed=exercise_seed(self.exercise), import_time_limit_s=self.import_limit()
                )
            except SubmissionFailure as failure:
                if failure.kind != FailureKind.SANDBOX:
                    self.module_failures[module] = failure
                raise
        return self.worker

    # `fresh` is typed `object`, not `bool`, only so that a suite may pass its arguments as `**dict[str, ndarray]`.
    def call(self, probe: str, *, fresh: object = False, **args: Any) -> dict[str, Any]:
        """Run a probe on the student's code (plain data back); raises `SubmissionFailure` when it cannot answer.

        The same request twice in one grading is answered once (only answers are kept: a failure is asked again);
        `fresh=True` runs the student's code again, for a test whose point is the repeat (the same seed twice)."""
        key = (self.stand_ins, probe_key(probe, args))
        if fresh is not True and key in self.memo:
            self.last_call = (probe, args)
            if self.recording:
                self.answers.append((probe, args, self.memo[key]))
            return self.memo[key]
        if self.timeouts >= TIMEOUTS_BEFORE_GIVING_UP:
            raise SubmissionFailure(
                f"not run: your {self.exercise.id} ran out of time {self.timeouts} times already in this grading",
                kind=FailureKind.TIMEOUT,
                limit=Limit.TIME,
            )
        limit = self.time_limit(probe, args)
        worker = self._worker()
        self.last_call = (probe, args)
        request = {**args, wire.STAND_INS_ARG: True} if self.stand_ins else args
        try:
            answer: dict[str, Any] = worker.call(probe, limit, describe_probe(self.exercise, probe), **request)
            if isinstance(answer, dict) and wire.STAND_IN_FINDINGS in answer:
                answer = dict(answer)
                found = answer.pop(wire.STAND_IN_FINDINGS)
                self.findings.extend(str(f) for f in found if str(f) not in self.findings)
            if self.recording:
                self.answers.append((probe, args, answer))
            self.memo[key] = answer
            return answer
        except SubmissionFailure as failure:
            if failure.kind == FailureKind.TIMEOUT:
                self.timeouts += 1
            raise

    def import_limit(self) -> float:
        """The calibrated limit for importing the student's module: a multiple of the reference's import time here."""
        duration = self.reference.import_duration(self.exercise) if self.reference is not None else None
        if duration is None:
            return min(self.time_limit_s, IMPORT_LIMIT_FLOOR_S)
        return min(self.time_limit_s, max(IMPORT_LIMIT_FLOOR_S, IMPORT_LIMIT_MULTIPLE * duration))

    def time_limit(self, probe: str, args: dict[str, Any]) -> float:
        """The calibrated limit for one call: a multiple of the reference's own time here."""
        if self.reference is None:
            return self.time_limit_s
        duration = self.reference.duration(self.exercise, probe)
        if duration is None and self.reference.can_compute:
            self.reference.call(self.exercise, probe, **args)
            duration = self.reference.duration(self.exercise, probe)
        if duration is None:
            return self.time_limit_s
        return min(self.time_limit_s, max(TIME_LIMIT_FLOOR_S, TIME_LIMIT_MULTIPLE * duration))

    def close(self) -> None:
        if self.worker is not None:
            self.worker.finish()
            self.worker = None


# What `StudentCalls.environment` found, per isolation level, in this process (no student code runs there).
_ENVIRONMENTS: dict[str, dict[str, str]] = {}


class StudentCalls:
    """The student's sandbox (its own, or one served by a warm pool) and one `ExerciseCalls` per exercise."""

    def __init__(
        self,
        course: Course,
        submission_dir: Path,
        time_limit_s: float,
        reference: Reference | None = None,
        pool: WarmPool | None = None,
    ) -> None:
        self.course = course
        self.reference = reference
        self.sandbox: BaseSandbox = (
            open_sandbox(submission_dir, list(course.modules), course.limits, probes=course.probe_files)
            if pool is None
            else pool.sandbox(submission_dir, list(course.modules), course.limits)
        )
        self.module_failures: dict[str, SubmissionFailure] = {}
        self.time_limit_s = time_limit_s
        self.exercises: dict[str, ExerciseCalls] = {}

    def start(self, *, exercises: int | None = None) -> None:
        """Start the sandbox; `exercises`, when given, is how many exercises this grading will run (a portable
        sandbox then starts no spare interpreter it will not use)."""
        if exercises is not None:
            self.sandbox.expect_spawns(exercises)
        self.sandbox.start()

    def for_exercise(self, exercise: ExerciseSpec) -> ExerciseCalls:
        if exercise.id not in self.exercises:
            self.exercises[exercise.id] = ExerciseCalls(
                self.sandbox, exercise, self.module_failures, self.time_limit_s, self.reference
            )
        return self.exercises[exercise.id]

    def environment(self) -> dict[str, str]:
        """Versions and device, as the sandbox sees them: asked once per isolation level in this process (they do
        not change while it runs, and at the portable level each asking costs an interpreter's TensorFlow start)."""
        level = self.sandbox.isolation.name
        if level in _ENVIRONMENTS:
            return dict(_ENVIRONMENTS[level])
        try:
            worker = self.sandbox.spawn("environment", None, seed=0)
            try:
                described = {
                    key: str(value)
                    for key, value in worker.call("environment", 60.0, "describing the environment").items()
                }
                _ENVIRONMENTS[level] = described
                return dict(described)
            finally:
                worker.finish()
        except SubmissionFailure as failure:
            return {"error": failure.message}

    def close(self) -> None:
        for calls in self.exercises.values():
            calls.close()
        self.sandbox.close()
