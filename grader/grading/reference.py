"""The reference: the solutions' answers to the suites' probes, where they come from, and when they count.

`Reference` answers the same probes as the student's code from the reference solutions, memoised
(and kept between runs in the course's reference cache, `grader.grading.reference_cache`), or from
the store of expected values a student release ships (`EXPECTED_STORE`). `find_reference` picks
one; `require_full_marks` is the rule that makes the solutions' values the expected ones.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from grader.course.config import Course, ExerciseSpec
from grader.errors import ConfigError, InternalError, UsageError
from grader.grading.reference_cache import ReferenceCache
from grader.results import PASSED, GradeResult
from grader.sandbox.child import wire
from grader.sandbox.engine import BaseSandbox
from grader.sandbox.factory import open_sandbox
from grader.sandbox.failures import SubmissionFailure
from grader.sandbox.worker_end import WorkerEnd

# Where a student release keeps the expected values, next to its course.toml.
EXPECTED_STORE = Path(".grader") / "expected.json"


def import_key(module: str) -> str:
    """The durations' key of a module's import time."""
    return f"import:{module}"


def exercise_seed(exercise: ExerciseSpec) -> int:
    """The seed of every generator before the student's module is imported for `exercise`."""
    return int(exercise.seeds[0]) if exercise.seeds else 0


def qualified(exercise: ExerciseSpec, probe: str) -> str:
    """A probe's name across the course ("training_step.train"): the key of memos and durations."""
    return f"{exercise.id}.{probe}"


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
        self.sandbox: BaseSandbox | None = None
        self.workers: dict[str, WorkerEnd] = {}
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

    def _worker(self, exercise: ExerciseSpec) -> WorkerEnd:
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


def find_reference(course: Course, solutions: Path | None) -> Reference:
    """The reference solutions next to course.toml (with the course's reference cache), or the release's store of expected values."""
    course_dir = course.path.parent
    if solutions is not None:
        if not solutions.is_dir():
            raise UsageError(f"--solutions {solutions} is not a folder.")
        return Reference.cached(course, solutions)
    if (course_dir / "solutions").is_dir():
        return Reference.cached(course, course_dir / "solutions")
    store = course_dir / EXPECTED_STORE
    if store.is_file():
        return Reference.from_store(course, store)
    raise ConfigError(
        f"Neither {course_dir / 'solutions'} nor {store} exists: the grader needs the reference solutions"
        " (instructors) or the expected values of a student release. Pass --solutions DIR.",
        path=course.path,
    )


def require_full_marks(result: GradeResult, course: Course, solutions: Path) -> None:
    """The reference's values become the expected ones only if the solutions earn every point."""
    failing = [
        f"{exercise.id}::{test.name} ({test.message or test.status})"
        for exercise, test in result.tests
        if test.status != PASSED
    ]
    if failing or result.internal_errors:
        raise ConfigError(
            f"The reference solutions in {solutions} do not earn every point, so their values cannot be"
            f" the expected ones: {'; '.join(failing or list(result.internal_errors))}. Fix them (grade check"
            f" {solutions}) and run this command again.",
            path=course.path,
        )
