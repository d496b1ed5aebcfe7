"""Gradings timed phase by phase, in this process: what `benchmarks/speed.py` reads its floor and breakdown from.

`Phases` wraps, for as long as it is entered, the three places a grading spends its time: each call into the
student's code (`ExerciseCalls.call`, the probe's own round trip to the worker; an answer the grading's memo gives
is not a call), each start of an exercise's worker (`ExerciseCalls._worker` when it spawns: the isolation's cost),
and pytest itself (`pytest.main`). The rest of a grading is the parent's (the sandbox opened, the result built).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from grader.course.config import Course
from grader.grading.inputs import InputPlan
from grader.grading.pool_retry import grade_pooled
from grader.grading.reference import Reference, probe_key
from grader.grading.student_calls import ExerciseCalls
from grader.sandbox.warm_pool import WarmPool

# The probes that fit a Keras model, and those that run a training loop of many steps (course id.probe).
FITS = frozenset({"keras_model.build_fit", "keras_model.train"})
LOOPS = frozenset({"training_step.train"})
PHASES = ("fits", "loops", "other calls", "starts", "pytest", "parent")


@dataclass
class Grading:
    """One grading's seconds by phase, and its counts."""

    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(PHASES, 0.0))
    calls: int = 0
    fits: int = 0
    loops: int = 0
    starts: int = 0
    total: float = 0.0
    score: int = 0

    @property
    def floor(self) -> float:
        """The least this grading could cost: its questions (each asked once) and its workers' starts."""
        return sum(self.seconds[phase] for phase in ("fits", "loops", "other calls", "starts"))


class Phases:
    """While entered, every grading in this process is timed into `current`."""

    def __init__(self) -> None:
        self.current = Grading()
        self._undo: list[Callable[[], None]] = []

    def _wrap(self, owner: Any, name: str, make: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
        original = getattr(owner, name)
        setattr(owner, name, make(original))
        self._undo.append(lambda: setattr(owner, name, original))

    def __enter__(self) -> Phases:
        phases = self

        def timed_call(original: Callable[..., Any]) -> Callable[..., Any]:
            def call(calls: ExerciseCalls, probe: str, *, fresh: object = False, **args: Any) -> Any:
                if fresh is not True and (calls.stand_ins, probe_key(probe, args)) in calls.memo:
                    return original(calls, probe, fresh=fresh, **args)
                name = f"{calls.exercise.id}.{probe}"
                phase = "fits" if name in FITS else "loops" if name in LOOPS else "other calls"
                starts = phases.current.seconds["starts"]
                started = time.perf_counter()
                try:
                    return original(calls, probe, fresh=fresh, **args)
                finally:
                    # A worker started inside the call (its first) counts as a start, not as the call's.
                    spent = time.perf_counter() - started - (phases.current.seconds["starts"] - starts)
                    phases.current.seconds[phase] += spent
                    phases.current.calls += 1
                    phases.current.fits += name in FITS
                    phases.current.loops += name in LOOPS

            return call

        def timed_worker(original: Callable[..., Any]) -> Callable[..., Any]:
            def worker(calls: ExerciseCalls) -> Any:
                if calls.worker is not None and calls.worker.alive:
                    return original(calls)
                started = time.perf_counter()
                try:
                    return original(calls)
                finally:
                    phases.current.seconds["starts"] += time.perf_counter() - started
                    phases.current.starts += 1

            return worker

        def timed_pytest(original: Callable[..., Any]) -> Callable[..., Any]:
            def main(*args: Any, **kwargs: Any) -> Any:
                started = time.perf_counter()
                try:
                    return original(*args, **kwargs)
                finally:
                    phases.current.seconds["pytest"] += time.perf_counter() - started

            return main

        self._wrap(ExerciseCalls, "call", timed_call)
        self._wrap(ExerciseCalls, "_worker", timed_worker)
        self._wrap(pytest, "main", timed_pytest)
        return self

    def __exit__(self, *_: object) -> None:
        while self._undo:
            self._undo.pop()()

    @contextmanager
    def grading(self) -> Iterator[Grading]:
        """Time one grading: pytest's own share is what pytest.main took beyond the calls and starts inside it."""
        self.current = Grading()
        started = time.perf_counter()
        yield self.current
        grading = self.current
        grading.total = time.perf_counter() - started
        inside = grading.seconds["pytest"]
        grading.seconds["pytest"] = max(0.0, inside - grading.floor)
        grading.seconds["parent"] = max(0.0, grading.total - inside)


def grade_each(
    course: Course,
    solutions: Path,
    folders: list[Path],
    exercise_ids: list[str] | None,
    plans: dict[str, Callable[[str], InputPlan]],
    runs: int,
    first: dict[str, int] | None = None,
) -> dict[str, list[list[Grading]]]:
    """For each plan of inputs and each of `runs` runs, each folder graded once, one after the other in ONE warm
    pool (started and warmed on the solutions first, not counted), with the course's reference cache as it is:
    the grading work itself, phase by phase. `first[plan]`: that plan grades only the first so many folders."""
    reference = Reference.cached(course, solutions)
    pool = WarmPool(course.limits, probes=course.probe_files)
    gradings: dict[str, list[list[Grading]]] = {name: [] for name in plans}
    try:
        pool.start()
        with Phases() as phases:
            grade_pooled(pool=pool, course=course, submission_dir=solutions, reference=reference,
                         exercise_ids=exercise_ids, inputs=next(iter(plans.values()))(solutions.name))  # fmt: skip
            for _ in range(runs):
                for name, plan in plans.items():
                    gradings[name].append([])
                    for folder in folders[: (first or {}).get(name, len(folders))]:
                        with phases.grading() as grading:
                            result = grade_pooled(pool=pool, course=course, submission_dir=folder,
                                                  reference=reference, exercise_ids=exercise_ids,
                                                  inputs=plan(folder.name))  # fmt: skip
                        grading.score = result.score
                        gradings[name][-1].append(grading)
    finally:
        pool.close()
        reference.close()
    return gradings
