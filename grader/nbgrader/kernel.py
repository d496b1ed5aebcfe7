"""The grader inside a notebook's kernel: what the test cells of a `grade nbgrader` notebook call.

`check(exercise, test)` rebuilds the modules from the cells this kernel has run (IPython's
input history, by the rule of `grader.intake.cell_assembly`), grades the exercise with the course's
grader (the same sandbox and suites as `grade check`), and raises `AssertionError` with the
message and hint of a failed test, so that nbgrader scores the cell 0 and its feedback says
why. Each exercise is graded once for given sources: its first test cell grades all of its
tests, the next ones read the cached result; a cell whose code changed is graded again. A
passing test prints nothing at all (nbgrader scores any output on stderr as a failure).
Under `nbgrader autograde` and `validate`, where every test cell runs, a test cell grades ahead
the later exercises of the notebook file being run, in the same grading, when that file is what
the kernel ran (`grader.nbgrader.ahead`): two gradings for the chapter's notebook, not eleven.

The test cells of one notebook share one warm sandbox (`grader.sandbox.warm_pool`), started by the
first test cell with the reference (under nbgrader's autograde or validate, already by the
setup cell's import), and closed with the kernel (atexit): TensorFlow is imported once per
notebook, and each exercise is still graded alone, in its own forked processes.

Which course: `GRADER_NBGRADER_COURSE` when set (the course's nbgrader_config.py sets it, so
that `nbgrader autograde` and `nbgrader validate` grade hidden tests against the reference
solutions), else the nearest course.toml: the students' course and expected values shipped
beside the released notebook.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import os
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path

from grader.course.config import Course
from grader.course.secret import load_secret
from grader.errors import ConfigError, GraderError, UsageError
from grader.grading.inputs import PUBLIC_INPUTS, InputPlan
from grader.grading.reference import Reference
from grader.intake.cell_assembly import assemble, source_digest
from grader.nbgrader.ahead import AHEAD_BUDGET_S, NotebookPlan, find_plan, given_cells
from grader.results import PASSED, ExerciseResult, TestResult
from grader.sandbox.warm_pool import WarmPool

ENV_COURSE = "GRADER_NBGRADER_COURSE"


@contextlib.contextmanager
def _silenced() -> Iterator[None]:
    """Nothing reaches the cell's output: Python's streams, warnings, and file descriptors 1 and 2."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    saved = [os.dup(1), os.dup(2)]
    with tempfile.TemporaryFile() as sink, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        os.dup2(sink.fileno(), 1)
        os.dup2(sink.fileno(), 2)
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                yield
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for descriptor in saved:
                os.close(descriptor)


def history() -> list[str]:
    """The cells this IPython kernel has run, in order, as IPython transformed them."""
    try:
        from IPython import get_ipython
    except ImportError:
        get_ipython = None
    shell = get_ipython() if get_ipython else None
    if shell is None:
        raise UsageError("check() runs in a notebook's kernel; outside one, run: grade check NOTEBOOK.ipynb")
    return [source for source in shell.history_manager.input_hist_parsed if source]


def failure_text(exercise_id: str, test: TestResult) -> str:
    """What the feedback shows for a test that did not pass; hidden tests keep their details."""
    head = (
        f"{exercise_id}: {'hidden test ' if test.hidden else ''}{test.name} {test.status} (0/{test.max_score} points)"
    )
    if test.hidden:
        return head
    lines = [head, test.message]
    if test.hint:
        lines.append(f"hint: {test.hint}")
    return "\n".join(line for line in lines if line)


def autograde_inputs(course: Course, reference: Reference) -> InputPlan:
    """The instructor inputs under `nbgrader autograde` in the instructor's course (the grade that counts);
    the public ones for a student's own run and for `nbgrader validate`."""
    if os.environ.get("NBGRADER_EXECUTION") != "autograde" or reference.solutions_dir is None:
        return PUBLIC_INPUTS
    secret = load_secret(course.path)
    if secret is None:
        raise ConfigError(
            f"nbgrader autograde grades on the instructor inputs, but the course {course.path} has no secret:"
            " run `grade secret init` in the course folder (or set GRADER_SECRET), then autograde again.",
        )
    return InputPlan.instructor(secret)


class KernelGrader:
    """One per kernel: the course, the reference and a sandbox pool (kept warm), and the results by source."""

    def __init__(self) -> None:
        self.course: Course | None = None
        self.reference: Reference | None = None
        self.pool: WarmPool | None = None
        self.inputs: InputPlan = PUBLIC_INPUTS
        self.results: dict[tuple[str, str], ExerciseResult] = {}
        # The notebook file being run, once found (`grader.nbgrader.ahead`); looked for once per kernel.
        self.plan: NotebookPlan | None = None
        self.looked_for_plan = False
        # The exercises of each grading this kernel ran, in order.
        self.gradings: list[tuple[str, ...]] = []

    def setup(self) -> tuple[Course, Reference, WarmPool]:
        if self.course is None or self.reference is None or self.pool is None:
            from grader.course.config import load_course
            from grader.course.locate import find_course
            from grader.grading.reference import find_reference

            explicit = os.environ.get(ENV_COURSE)
            course = load_course(Path(explicit) if explicit else find_course(Path.cwd(), None))
            self.reference = find_reference(course, None)
            self.inputs = autograde_inputs(course, self.reference)
            self.course = course
            atexit.register(self.close)
            # Both import TensorFlow now, side by side, once for every test cell of the notebook.
            self.pool = WarmPool(course.limits, probes=course.probe_files).start()
            self.reference.start()
        return self.course, self.reference, self.pool

    def _plan(self, course: Course, exercise_id: str, module_digest: str) -> NotebookPlan | None:
        """Under nbgrader (every test cell will run), the notebook file this kernel runs, if it is found."""
        if not os.environ.get("NBGRADER_EXECUTION"):
            return None
        if not self.looked_for_plan:
            self.looked_for_plan = True
            self.plan = find_plan(course, Path.cwd(), exercise_id, module_digest)
        plan = self.plan
        if plan is None or exercise_id not in plan.sources or source_digest(plan.sources[exercise_id]) != module_digest:
            return None
        return plan

    def exercise_result(self, exercise_id: str, sources: Sequence[str]) -> ExerciseResult:
        """The exercise graded from these sources (under nbgrader, with the later ones of the notebook):
        once, then from the cache."""
        course, _, _ = self.setup()
        exercise = course.exercise(exercise_id)
        conversion = assemble(course, given_cells(course, sources), sources)
        key = (exercise_id, conversion.digest(exercise.module))
        if key not in self.results:
            plan = self._plan(course, exercise_id, key[1])
            if plan is not None:
                graded = {graded_id for graded_id, _ in self.results}
                exercise_ids = plan.group(course, exercise_id, graded)
                try:
                    self._grade(course, plan.folder_modules(course, exercise_ids), exercise_ids)
                except GraderError:
                    # A later exercise's trouble (one that stops the warm sandbox twice) is never this cell's:
                    # this exercise is graded alone below, the others at their own test cells.
                    self.plan = None
            if key not in self.results:
                self._grade(course, conversion.modules, [exercise_id])
        return self.results[key]

    def _grade(self, course: Course, modules: dict[str, str], exercise_ids: list[str]) -> None:
        """One grading of `exercise_ids` from `modules`; each exercise graded whole is kept by its module's digest."""
        from grader.grading.pool_retry import grade_pooled

        _, reference, pool = self.setup()
        with _silenced(), tempfile.TemporaryDirectory(prefix="grader-kernel-") as folder:
            for module, source in modules.items():
                (Path(folder) / f"{module}.py").write_text(source, encoding="utf-8")
            result = grade_pooled(
                pool=pool,
                course=course,
                submission_dir=Path(folder),
                reference=reference,
                exercise_ids=exercise_ids,
                inputs=self.inputs,
                stop_at=time.monotonic() + AHEAD_BUDGET_S if len(exercise_ids) > 1 else None,
            )
        self.gradings.append(tuple(graded.id for graded in result.exercises))
        for graded in result.exercises:
            self.results[(graded.id, source_digest(modules[course.exercise(graded.id).module]))] = graded

    def failure(self, exercise_id: str, test_name: str, sources: Sequence[str] | None = None) -> str | None:
        """None when the test passes, else what the feedback shows."""
        course, _, _ = self.setup()
        result = self.exercise_result(exercise_id, history() if sources is None else sources)
        test = next((t for t in result.tests if t.name == test_name), None)
        if test is None:
            if os.environ.get("NBGRADER_EXECUTION") == "autograde":
                return (
                    f"{exercise_id}: {test_name} cannot run: {course.path} does not list it. Set {ENV_COURSE}"
                    " (the nbgrader_config.py written by `grade nbgrader` does) to the instructor's course.toml."
                )
            return None  # A hidden test, in the students' course: it runs when the instructor grades.
        return None if test.status == PASSED else failure_text(exercise_id, test)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None
        if self.reference is not None:
            self.reference.close()
            self.reference = None
        self.course = None


SESSION = KernelGrader()

if os.environ.get("NBGRADER_EXECUTION"):
    # Under `nbgrader autograde` or `validate` every test cell will run: start the warm sandbox and the
    # reference now (the setup cell imports this module), so that their TensorFlow imports overlap the
    # notebook's own cells. A problem here is reported by the first test cell, which calls setup again.
    with contextlib.suppress(GraderError, OSError):
        SESSION.setup()


def check(exercise_id: str, test_name: str) -> None:
    """The call in each test cell: pass silently, or raise `AssertionError` saying what failed and why."""
    failure = SESSION.failure(exercise_id, test_name)
    if failure is not None:
        raise AssertionError(failure)
