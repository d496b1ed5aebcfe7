"""What the suites call: the student's code and the reference, one exercise at a time.

`ExerciseCalls` owns the worker of one exercise in the student's sandbox: it spawns the
worker on first use, spawns a fresh one after a crash, remembers a module that failed to
import (so each exercise that needs it fails at once with the same message), and stops
calling an exercise whose code has already run out of time twice.
`Reference` answers the same probes from the reference solutions, memoised (and kept between
runs in the course's reference cache, `grader.grading.reference_cache`), or from a store of
expected values shipped with a student release.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from grader.course.config import Course, ExerciseSpec
from grader.errors import InternalError
from grader.grading.reference_cache import ReferenceCache
from grader.results import Limit
from grader.sandbox.child import wire
from grader.sandbox.factory import GradingSandbox, GradingWorker, open_sandbox
from grader.sandbox.failures import FailureKind, SubmissionFailure
from grader.sandbox.pool import WarmPool

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


def import_key(module: str) -> str:
    """The durations' key of a module's import time."""
    return f"import:{module}"


def exercise_seed(exercise: ExerciseSpec) -> int:
    """The seed of every generator before the student's module is imported for `exercise`."""
    return int(exercise.seeds[0]) if exercise.seeds else 0


def qualified(exercise: ExerciseSpec, probe: str) -> str:
    """A probe's name across the course ("training_step.train"): the key of memos and durations."""
    return f"{exercise.id}.{probe}"


def describe_probe(exercise: ExerciseSpec, probe: str) -> str:
    """What a probe does, in a student's words: "running training_step (train)"."""
    if probe == "call":
        return f"running {exercise.id}"
    return f"running {exercise.id} ({probe.replace('_', ' ')})"


class ExerciseCalls:
    """Calls into the student's code for one exercise."""

    def __init__(
        self,
        sandbox: GradingSandbox,
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
        self.worker: GradingWorker | None = None
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

    def _worker(self) -> GradingWorker:
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


def probe_key(probe: str, args: dict[str, Any]) -> str:
    """A stable digest of a probe request, for memoising and shipping expected values.

    Arrays (at any depth) count by dtype, shape and bytes, through the same encoding as the
    wire, so a list of arrays is keyed exactly, never by an abbreviated repr.
    """
    canonical = json.dumps({"probe": probe, "args": args}, sort_keys=True, default=wire.json_default)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class Reference:
    """The reference solutions answering the suites' probes, memoised by request.

    With a `cache`, the answers and durations another run computed are used as they are, the
    sandbox starts only when an answer is missing, and what was computed is saved by `flush()`.
    """

    def __init__(
        self,
        course: Course,
        solutions_dir: Path | None,
        store: dict[str, Any] | None = None,
        durations: dict[str, float] | None = None,
        cache: ReferenceCache | None = None,
    ) -> None:
        self.course = course
        self.solutions_dir = solutions_dir
        self.memo: dict[str, Any] = dict(store or {})
        self.recorded: dict[str, Any] = {}
        # The longest time the reference took for each probe, in seconds, on this machine.
        self.durations: dict[str, float] = dict(durations or {})
        # Seconds the reference spent answering probes in its warm worker: the floor of a grading.
        self.busy_s = 0.0
        self.sandbox: GradingSandbox | None = None
        self.workers: dict[str, GradingWorker] = {}
        # How many sandboxes this reference started (a warm cache starts none).
        self.sandboxes_started = 0
        self.cache = cache if solutions_dir is not None else None
        self.unsaved: dict[str, Any] = {}
        self.durations_changed = False
        if self.cache is not None:
            self._merge_cache()

    @classmethod
    def cached(cls, course: Course, solutions_dir: Path) -> Reference:
        """The reference solutions in `solutions_dir`, with the course's reference cache."""
        return cls(course, solutions_dir, cache=ReferenceCache.for_course(course, solutions_dir))

    def _merge_cache(self) -> None:
        assert self.cache is not None
        answers, durations = self.cache.load()
        self.memo.update(answers)
        for key, value in durations.items():
            self.durations[key] = max(value, self.durations.get(key, 0.0))

    def _await_cache(self, found: Callable[[], bool]) -> None:
        """Something is missing: wait for whoever computes this course's answers now, and read what they saved.

        Keeps the lock (until `flush`) when it is still missing: this process computes it.
        """
        if self.cache is None or self.cache.locked:
            return
        self.cache.lock()
        self._merge_cache()
        if found() and not self.unsaved and not self.durations_changed:
            self.cache.unlock()

    def _record_duration(self, key: str, seconds: float) -> None:
        self.durations[key] = max(self.durations.get(key, 0.0), seconds)
        self.durations_changed = True

    @classmethod
    def from_store(cls, course: Course, path: Path) -> Reference:
        """The release's form: expected values computed beforehand, no solution code."""
        data = wire.decode(path.read_bytes())
        return cls(course, None, data["expected"], data.get("durations"))

    @property
    def can_compute(self) -> bool:
        return self.solutions_dir is not None

    def duration(self, exercise: ExerciseSpec, probe: str) -> float | None:
        return self.durations.get(qualified(exercise, probe))

    def expected(self, exercise: ExerciseSpec, probe: str, args: dict[str, Any]) -> Any:
        """The reference's answer already computed for this request, or None (never computes)."""
        return self.memo.get(probe_key(qualified(exercise, probe), args))

    def import_duration(self, exercise: ExerciseSpec) -> float | None:
        """Seconds the reference module took to import here (or in the release's store), if known."""
        key = import_key(exercise.module)
        if key not in self.durations and self.can_compute:
            self._await_cache(lambda: key in self.durations)
        if key not in self.durations and self.can_compute:
            try:
                self._worker(exercise)
            except InternalError:
                return None
        return self.durations.get(key)

    def _worker(self, exercise: ExerciseSpec) -> GradingWorker:
        self._start_sandbox()
        assert self.sandbox is not None
        worker = self.workers.get(exercise.id)
        if worker is None or not worker.alive:
            try:
                worker = self.sandbox.spawn(exercise.id, exercise.module, seed=exercise_seed(exercise))
            except SubmissionFailure as failure:
                raise InternalError(
                    f"the reference solution {exercise.module}.py failed to import: {failure.message}"
                ) from failure
            self.workers[exercise.id] = worker
            self._record_duration(import_key(exercise.module), worker.import_s)
        return worker

    def _start_sandbox(self) -> None:
        if self.solutions_dir is not None and self.sandbox is None:
            self.sandbox = open_sandbox(
                self.solutions_dir, list(self.course.modules), self.course.limits, probes=self.course.probe_files
            ).start()
            self.sandboxes_started += 1

    def start(self) -> None:
        """Start the reference sandbox early, so that its TensorFlow import overlaps the student's.

        Not with a warm cache (its answers are likely all there). It takes no lock: a process
        that starts early and then waits for work (a batch worker) must not hold the cache's lock
        while idle, or every other worker waits for it; the lock is taken when an answer is
        missing, and released when that grading ends (`flush`).
        """
        if self.cache is None or not self.memo:
            self._start_sandbox()

    def call(self, exercise: ExerciseSpec, probe: str, **args: Any) -> Any:
        key = probe_key(qualified(exercise, probe), args)
        if key not in self.memo:
            self._await_cache(lambda: key in self.memo)
        if key not in self.memo:
            self.memo[key] = self._compute(exercise, probe, args)
            self.unsaved[key] = self.memo[key]
        self.recorded[key] = self.memo[key]
        return self.memo[key]

    def flush(self) -> None:
        """Save what this reference computed into the cache, and let other processes compute again."""
        if self.cache is None:
            return
        if self.unsaved or self.durations_changed:
            self.cache.save(self.unsaved, self.durations, added=len(self.unsaved))
            self.unsaved.clear()
            self.durations_changed = False
        self.cache.unlock()

    def _compute(self, exercise: ExerciseSpec, probe: str, args: dict[str, Any]) -> Any:
        if self.solutions_dir is None:
            raise InternalError(
                f"no expected value for {qualified(exercise, probe)} in this release; rebuild the release with"
                " `grade release`"
            )
        worker = self._worker(exercise)
        try:
            started = time.monotonic()
            name = qualified(exercise, probe)
            value = worker.call(
                probe, max(self.course.limits.time_limit_s, 60.0), f"running the reference {name}", **args
            )
            elapsed = time.monotonic() - started
            self._record_duration(name, elapsed)
            self.busy_s += elapsed
            return value
        except SubmissionFailure as failure:
            raise InternalError(
                f"the reference solution failed on {qualified(exercise, probe)}: {failure.message}"
            ) from failure

    def save_store(self, path: Path) -> None:
        """Write every expected value used so far, for a release."""
        path.write_bytes(wire.dumps({"expected": self.recorded, "durations": self.durations}))

    def close(self) -> None:
        self.flush()
        for worker in self.workers.values():
            worker.finish()
        self.workers.clear()
        if self.sandbox is not None:
            self.sandbox.close()
            self.sandbox = None


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
        self.sandbox: GradingSandbox = (
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
