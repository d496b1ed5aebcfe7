"""Grade one submission: run the trusted suites with pytest, in this process, against
the student's sandbox, and turn pytest's outcomes into a `GradeResult`.

Suites live in each exercise's pack (`suite.py`, and `hidden_suite.py` for hidden tests; see
`grader.course.packs`); a test function `test_<name>` is the test `<name>` of `course.toml`. A test passes, fails with a student-facing message (a `Mistake`
or a `SubmissionFailure`), or errors: any other exception is a bug of the grader, reported as
such, and makes the exit code 3. Nothing fails open. The plugin that records each outcome is
`grader.grading.pytest_plugin`.
"""

from __future__ import annotations

import contextlib
import io
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from grader.course.config import Course, ExerciseSpec
from grader.errors import ConfigError, UsageError
from grader.grading.assignment_grades import assignment_grades
from grader.grading.inputs import PUBLIC_INPUTS, InputPlan
from grader.grading.pytest_plugin import PYTEST_INI, GradingPlugin, Steps, suite_files
from grader.grading.reference import Reference
from grader.grading.student_calls import StudentCalls
from grader.installation import require_device, require_supported_tensorflow
from grader.results import ERROR, ExerciseResult, GradeResult, Inputs, TestResult
from grader.sandbox.warm_pool import WarmPool

# `Steps` is the progress callback's type, which the commands import from here with `grade`.
__all__ = ["Steps", "grade"]

# pytest's plugins that a grading never uses: the suites take only the `spec`, `student` and `reference`
# fixtures and write no files, logs or warnings anyone reads. Each costs time in every run, and
# `unraisableexception` runs a full garbage collection at the end of each one: in a notebook's kernel,
# where TensorFlow and the student's models fill the heap, that alone was 0.2 to 0.4 s per exercise.
UNUSED_PLUGINS = (
    "cacheprovider",
    "debugging",
    "doctest",
    "faulthandler",
    "junitxml",
    "legacypath",
    "logging",
    "monkeypatch",
    "pastebin",
    "recwarn",
    "setuponly",
    "setupplan",
    "stepwise",
    "threadexception",
    "tmpdir",
    "unittest",
    "unraisableexception",
    "warnings",
)


@contextlib.contextmanager
def _quiet_pytest() -> Iterator[None]:
    saved = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            yield
    finally:
        if saved is None:
            os.environ.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
        else:
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = saved


def select_exercises(course: Course, exercise_ids: list[str] | None) -> list[ExerciseSpec]:
    if not exercise_ids:
        return list(course.exercises)
    return [course.exercise(exercise_id) for exercise_id in exercise_ids]


def grade(
    *,
    course: Course,
    submission_dir: Path,
    reference: Reference,
    exercise_ids: list[str] | None = None,
    time_limit_s: float | None = None,
    plots: bool = False,
    pool: WarmPool | None = None,
    inputs: InputPlan = PUBLIC_INPUTS,
    progress: Steps | None = None,
    stop_at: float | None = None,
) -> GradeResult:
    """Grade the modules in `submission_dir` against `course`; never raises for student faults.

    With `plots`, the result's `extra["plots"]` holds the data of the student's HTML report.
    With `pool`, the student's code runs in that warm pool (see `grader.grading.pool_retry`, which
    also grades again a submission whose pool stopped), else in a sandbox of its own.
    `progress`, when given, is told which exercise is being graded and how many tests are done.
    `inputs` says which seeds the suites draw from (`grader.grading.inputs`): course.toml's public
    ones by default, or the instructor's, derived from the course secret.
    `stop_at` (a `time.monotonic()`): past it, no further exercise starts, and the result holds
    the exercises graded whole before it (only the notebook kernel's grading ahead asks for this).
    """
    started = time.monotonic()
    # Metadata only, once per process: a doubled or unsupported TensorFlow is exit 2, never the student's 0.
    require_supported_tensorflow()
    submission_dir = Path(submission_dir)
    if not submission_dir.is_dir():
        raise UsageError(f"{submission_dir} is not a folder. Pass the folder that holds your exercise modules.")
    exercises = select_exercises(course, exercise_ids)
    student = StudentCalls(course, submission_dir, time_limit_s or course.limits.time_limit_s, reference, pool)
    plugin = GradingPlugin(course, exercises, student, reference, inputs, progress, stop_at)
    internal_errors: list[str] = []
    try:
        student.start(exercises=len(exercises))
        reference.start()
        arguments = [str(path) for path in suite_files(exercises)] + [
            *(argument for plugin in UNUSED_PLUGINS for argument in ("-p", f"no:{plugin}")),
            "--rootdir",
            str(PYTEST_INI.parent),
            "-c",
            str(PYTEST_INI),
            "--confcutdir",
            str(PYTEST_INI.parent),
            "--import-mode",
            "importlib",
            "-q",
            # The plugin reads each failure from its exception, never pytest's report of it: the long
            # tracebacks of every failed test are work nobody reads.
            "--tb=line",
        ]
        with _quiet_pytest():
            exit_code = pytest.main(arguments, plugins=[plugin])
        extra: dict[str, Any] = {}
        if plots:
            from grader.grading.plotdata import collect_plot_data

            extra["plots"] = collect_plot_data(exercises, student, reference)
        if inputs.kind == Inputs.INSTRUCTOR:
            extra["inputs"] = inputs.label
            extra["inputs_key"] = inputs.key
        environment = student.environment()
        if "device" in environment:  # on a GPU runner (GRADER_REQUIRE_GPU), a CPU grading is exit 2, not a grade
            require_device(environment["device"])
    finally:
        student.close()
        # What the reference computed goes to the course's cache now, for the next grading anywhere.
        reference.flush()
    if plugin.config_errors:
        raise plugin.config_errors[0]
    if plugin.missing:
        raise ConfigError(
            f"course.toml lists tests that no suite defines: {', '.join(plugin.missing)}."
            " Remove them from course.toml or add the test functions to the exercise's pack suite.",
            path=course.path,
        )
    if exit_code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) and not plugin.stopped:
        internal_errors.append(f"pytest ended with {pytest.ExitCode(exit_code).name}")
    results = []
    for exercise in exercises:
        if plugin.stopped and any((exercise.id, test.name) not in plugin.outcomes for test in exercise.tests):
            continue  # Not graded whole before `stop_at`: left out, for a grading of its own.
        tests = []
        for test in exercise.tests:
            outcome = plugin.outcomes.get((exercise.id, test.name))
            if outcome is None:
                internal_errors.append(f"{exercise.id}::{test.name} did not run")
                outcome = TestResult(
                    name=test.name,
                    status=ERROR,
                    score=0,
                    max_score=test.points,
                    hidden=test.hidden,
                    message="internal error in the grader: this test did not run",
                )
            elif outcome.status == ERROR:
                internal_errors.append(f"{exercise.id}::{test.name}: {outcome.message}")
            tests.append(outcome)
        results.append(ExerciseResult(id=exercise.id, title=exercise.title, tests=tuple(tests)))
    graded = assignment_grades(course, tuple(results))
    if graded:
        extra["assignments"] = graded
    return GradeResult(
        course_id=course.id,
        course_version=course.version,
        exercises=tuple(results),
        environment=environment,
        isolation=student.sandbox.isolation.name,
        warnings=(
            ()
            if student.sandbox.isolation.name == "bubblewrap"
            else (f"reduced isolation: {student.sandbox.isolation.detail}",)
        ),
        internal_errors=tuple(internal_errors),
        submission=str(submission_dir),
        duration_s=round(time.monotonic() - started, 3),
        extra=extra,
    )
