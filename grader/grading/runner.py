"""Grade one submission: run the trusted suites with pytest, in this process, against
the student's sandbox, and turn pytest's outcomes into a `GradeResult`.

Suites live in each exercise's pack (`suite.py`, and `hidden_suite.py` for hidden tests; see
`grader.course.packs`); a test function `test_<name>` is the test `<name>` of `course.toml`. A test passes, fails with a student-facing message (a `Mistake`
or a `SubmissionFailure`), or errors: any other exception is a bug of the grader, reported as
such, and makes the exit code 3. Nothing fails open.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
import re
import time
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from grader.course.config import Course, ExerciseSpec
from grader.errors import ConfigError, GraderError, InternalError, UsageError
from grader.grading.assignments import assignment_grades
from grader.grading.compare import Mistake
from grader.grading.forgiving import run_forgiving
from grader.grading.inputs import PUBLIC_INPUTS, InputPlan
from grader.grading.redaction import redact
from grader.grading.reference import Reference
from grader.grading.session import ExerciseCalls, StudentCalls
from grader.installation import require_device, require_supported_tensorflow
from grader.results import ERROR, FAILED, PASSED, ExerciseResult, GradeResult, Inputs, TestResult
from grader.sandbox.failures import SubmissionFailure
from grader.sandbox.warm_pool import WarmPool

# The runner's own pytest configuration, never a pytest.ini found near a submission or a pack.
PYTEST_INI = Path(__file__).parent / "pytest.ini"
# Told before each test of a grading: (the exercise being graded, tests done, tests in all); "done" at the end.
Steps = Callable[[str, int, int], None]
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
MESSAGE_LIMIT = 1500
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


class BoundReference:
    """The reference, bound to one exercise, as the suites see it."""

    def __init__(self, reference: Reference, exercise: ExerciseSpec) -> None:
        self._reference = reference
        self._exercise = exercise

    def call(self, probe: str, **args: Any) -> dict[str, Any]:
        """The reference's answer to a probe (plain data, memoised)."""
        answer: dict[str, Any] = self._reference.call(self._exercise, probe, **args)
        return answer


def readable(message: str) -> str:
    """A message from the student's process, for a student: no terminal colours, no Keras
    argument dump, not endless."""
    message = ANSI_ESCAPE.sub("", message)
    message = message.split("\n\nArguments received by")[0].strip()
    if len(message) > MESSAGE_LIMIT:
        message = message[:MESSAGE_LIMIT] + " […]"
    return message


class GradingPlugin:
    """A pytest plugin: fixtures for the suites, and the record of every outcome."""

    def __init__(
        self,
        course: Course,
        exercises: list[ExerciseSpec],
        student: StudentCalls,
        reference: Reference,
        inputs: InputPlan = PUBLIC_INPUTS,
        progress: Steps | None = None,
    ) -> None:
        self.course = course
        self.progress = progress
        self.tests_total = 0
        self.tests_done = 0
        self.inputs = inputs
        self.exercises = {exercise.id: exercise for exercise in exercises}
        # What each suite sees: the exercise with this grading's seeds (the instructor's, or course.toml's).
        self.specs = {exercise.id: inputs.spec_for(exercise) for exercise in exercises}
        self.student_calls = student
        self.reference_calls = reference
        self.outcomes: dict[tuple[str, str], TestResult] = {}
        # Tests that failed with the student's own collaborators and passed with correct stand-ins: the note.
        self.forgiven: dict[tuple[str, str], str] = {}
        self.missing: list[str] = []
        # A pack found broken while its tests ran (a probe its probes.py lacks): exit code 2 after the run.
        self.config_errors: list[ConfigError] = []
        self.suites = {path.resolve(): exercise.id for exercise in exercises for path in suite_files([exercise])}

    def _split_node(self, item: pytest.Item) -> tuple[str, str]:
        """(exercise id, test name) of a collected test, from the pack suite that defines it."""
        exercise_id = self.suites.get(Path(item.path).resolve())
        if exercise_id is None:
            raise InternalError(f"pytest collected {item.nodeid}, which is in no exercise pack's suite")
        return exercise_id, item.name.removeprefix("test_")

    def _exercise(self, request: pytest.FixtureRequest) -> ExerciseSpec:
        return self.exercises[self._split_node(request.node)[0]]

    @pytest.fixture
    def spec(self, request: pytest.FixtureRequest) -> ExerciseSpec:
        return self.specs[self._split_node(request.node)[0]]

    @pytest.fixture
    def student(self, request: pytest.FixtureRequest) -> ExerciseCalls:
        calls = self.student_calls.for_exercise(self._exercise(request))
        exercise_id, name = self._split_node(request.node)
        # Hidden tests and instructor inputs draw nothing in the student's report.
        calls.recording = not self.exercises[exercise_id].test(name).hidden and self.inputs.kind == Inputs.PUBLIC
        calls.last_call = None
        return calls

    @pytest.fixture
    def reference(self, request: pytest.FixtureRequest) -> BoundReference:
        return BoundReference(self.reference_calls, self._exercise(request))

    def pytest_collection_modifyitems(
        self, session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        wanted = {(exercise.id, test.name) for exercise in self.exercises.values() for test in exercise.tests}
        found = {self._split_node(item) for item in items}
        self.missing = sorted(f"{exercise}::{name}" for exercise, name in wanted - found)
        if self.missing:
            items[:] = []
            return
        items[:] = [item for item in items if self._split_node(item) in wanted]
        self.tests_total = len(items)

    def pytest_runtest_logstart(self, nodeid: str, location: tuple[str, int | None, str]) -> None:
        """Say which exercise is being graded, and how many of the grading's tests are done."""
        if self.progress is not None:
            exercise_id = self.suites.get((PYTEST_INI.parent / location[0]).resolve(), location[0])
            self.progress(exercise_id, self.tests_done, self.tests_total)

    def pytest_runtest_logfinish(self, nodeid: str, location: tuple[str, int | None, str]) -> None:
        self.tests_done += 1
        if self.progress is not None and self.tests_done == self.tests_total:
            self.progress("done", self.tests_done, self.tests_total)

    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem: pytest.Function) -> bool | None:
        """Run a test of an exercise whose pack has stand-ins (`STAND_INS`) the forgiving way: with the
        student's own collaborators first; only if that fails, again with correct ones standing in."""
        exercise_id, name = self._split_node(pyfuncitem)
        exercise = self.exercises[exercise_id]
        if not exercise.pack.stand_ins:
            return None
        arguments = {argument: pyfuncitem.funcargs[argument] for argument in pyfuncitem._fixtureinfo.argnames}
        note = run_forgiving(
            lambda: pyfuncitem.obj(**arguments),
            self.student_calls.for_exercise(exercise),
            exercise_id,
            exercise.pack.stand_ins,
        )
        if note is not None:
            self.forgiven[(exercise_id, name)] = note
        return True

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
        outcome = yield
        report = outcome.get_result()
        exercise_id, name = self._split_node(item)
        key = (exercise_id, name)
        if report.when == "call" or (report.when == "setup" and not report.passed):
            result = self._result(exercise_id, name, report, call)
            self.outcomes[key] = self._unseen(result, call, item, exercise_id)

    def _unseen(
        self, result: TestResult, call: pytest.CallInfo[None], item: pytest.Item, exercise_id: str
    ) -> TestResult:
        """A failure on instructor inputs as the student may read it: described, not shown; the values go to `detail`."""
        if self.inputs.kind == Inputs.PUBLIC or result.status != FAILED or call.excinfo is None:
            return result
        calls = self.student_calls.for_exercise(self.exercises[exercise_id])
        sentence = str(getattr(getattr(item, "obj", None), "__doc__", "") or "")
        redacted = redact(call.excinfo.value, test_sentence=sentence, last_call=calls.last_call)
        if redacted is None:
            return result
        message, hint = redacted
        detail = result.message + (f" Hint: {result.hint}" if result.hint else "")
        return dataclasses.replace(result, message=message, hint=hint, detail=f"On {self.inputs.label}: {detail}")

    def _result(
        self, exercise_id: str, name: str, report: pytest.TestReport, call: pytest.CallInfo[None]
    ) -> TestResult:
        test = self.exercises[exercise_id].test(name)
        common: dict[str, Any] = {
            "name": name,
            "max_score": test.points,
            "hidden": test.hidden,
            "inputs": self.inputs.kind,
        }
        if report.passed:
            return TestResult(
                status=PASSED, score=test.points, message=self.forgiven.get((exercise_id, name), ""), **common
            )
        error = call.excinfo.value if call.excinfo is not None else None
        if isinstance(error, Mistake):
            return TestResult(status=FAILED, score=0, message=error.message, hint=error.hint, **common)
        if isinstance(error, SubmissionFailure):
            return TestResult(
                status=FAILED,
                score=0,
                message=readable(error.message),
                limit=error.limit,
                not_implemented=error.not_implemented,
                **common,
            )
        if isinstance(error, ConfigError):
            self.config_errors.append(error)
        if isinstance(error, GraderError):
            detail = error.message
        elif call.excinfo is not None:
            # Where the exercise's code failed and how, from the exception (pytest's tracebacks are cut to a line).
            entry = call.excinfo.traceback[-1]
            detail = f"{entry.path}:{entry.lineno + 1}: {call.excinfo.exconly()}"
        else:
            detail = report.outcome
        return TestResult(
            status=ERROR,
            score=0,
            message=f"internal error in the grader (not your fault; tell your instructor): {detail}",
            **common,
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


def suite_files(exercises: list[ExerciseSpec]) -> list[Path]:
    """The suites the exercises' tests are in: each pack's suite.py, and its hidden_suite.py when
    the course lists hidden tests of that exercise (a student release has neither)."""
    files = []
    for exercise in exercises:
        files.append(exercise.pack.suite)
        hidden = exercise.pack.hidden_suite
        if hidden is not None and any(test.hidden for test in exercise.tests):
            files.append(hidden)
    return files


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
) -> GradeResult:
    """Grade the modules in `submission_dir` against `course`; never raises for student faults.

    With `plots`, the result's `extra["plots"]` holds the data of the student's HTML report.
    With `pool`, the student's code runs in that warm pool (see `grader.grading.pool_retry`, which
    also grades again a submission whose pool stopped), else in a sandbox of its own.
    `progress`, when given, is told which exercise is being graded and how many tests are done.
    `inputs` says which seeds the suites draw from (`grader.grading.inputs`): course.toml's public
    ones by default, or the instructor's, derived from the course secret.
    """
    started = time.monotonic()
    # Metadata only, once per process: a doubled or unsupported TensorFlow is exit 2, never the student's 0.
    require_supported_tensorflow()
    submission_dir = Path(submission_dir)
    if not submission_dir.is_dir():
        raise UsageError(f"{submission_dir} is not a folder. Pass the folder that holds your exercise modules.")
    exercises = select_exercises(course, exercise_ids)
    student = StudentCalls(course, submission_dir, time_limit_s or course.limits.time_limit_s, reference, pool)
    plugin = GradingPlugin(course, exercises, student, reference, inputs, progress)
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
    if exit_code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        internal_errors.append(f"pytest ended with {pytest.ExitCode(exit_code).name}")
    results = []
    for exercise in exercises:
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
