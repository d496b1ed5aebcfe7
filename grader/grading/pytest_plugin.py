"""The pytest plugin of a grading: the suites' fixtures, and the record of every test's outcome.

`GradingPlugin` gives the suites their typed fixtures (`spec`, `student`, `reference`), runs a
pack's tests the forgiving way when the pack has stand-ins, and turns each pytest outcome into a
`TestResult`: a pass, a student-facing failure (a `Mistake` or a `SubmissionFailure`), or an
internal error for anything else. `grader.grading.runner` runs pytest with it.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import pytest

from grader.course.config import Course, ExerciseSpec
from grader.errors import ConfigError, GraderError, InternalError, PackError
from grader.grading.compare import Mistake
from grader.grading.forgiving import run_forgiving
from grader.grading.inputs import PUBLIC_INPUTS, InputPlan
from grader.grading.redaction import redact
from grader.grading.reference import Reference
from grader.grading.student_calls import ExerciseCalls, StudentCalls
from grader.results import ERROR, FAILED, PASSED, Inputs, TestResult
from grader.sandbox.failures import SubmissionFailure

# The runner's own pytest configuration, never a pytest.ini found near a submission or a pack.
PYTEST_INI = Path(__file__).parent / "pytest.ini"
# Told before each test of a grading: (the exercise being graded, tests done, tests in all); "done" at the end.
Steps = Callable[[str, int, int], None]
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
MESSAGE_LIMIT = 1500


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
        stop_at: float | None = None,
    ) -> None:
        self.course = course
        self.progress = progress
        # A time.monotonic() after which no further exercise starts (the tests of one already begun all run).
        self.stop_at = stop_at
        self.stopped = False
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

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, Any, None]:
        """Past `stop_at`, stop before the next exercise begins: the exercises graded so far are whole."""
        yield
        if self.stop_at is None or nextitem is None or time.monotonic() < self.stop_at:
            return
        following = self._split_node(nextitem)[0]
        if not any(exercise_id == following for exercise_id, _ in self.outcomes):
            self.stopped = True
            item.session.shouldstop = "the grading's time budget is spent"

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
        """A failure on instructor inputs as the student may read it: described, not shown; the values go to `detail`.

        An internal error there keeps only where it happened: the text of an exception (a probe's, the
        grader's) may quote the inputs, so it goes to `detail`, for the instructor."""
        if self.inputs.kind == Inputs.PUBLIC or call.excinfo is None:
            return result
        if result.status == ERROR:
            error = call.excinfo.value
            where = (
                f" in the exercise's pack ({error.location})" if isinstance(error, PackError) and error.location else ""
            )
            return dataclasses.replace(
                result,
                message=(
                    f"internal error in the grader (not your fault; tell your instructor){where}, on the instructor's"
                    " inputs: what it said may show those inputs, so it is kept for your instructor"
                ),
                detail=f"On {self.inputs.label}: {result.message}",
            )
        if result.status != FAILED:
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
