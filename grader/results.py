"""The result model: frozen dataclasses of plain JSON types, rendered by `grader.reporters`."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from grader.errors import ExitCode

SCHEMA_VERSION = 2
# Version 1 results (before instructor inputs) still load: each of their tests ran on public inputs.
READABLE_SCHEMA_VERSIONS = (1, 2)

PASSED = "passed"
FAILED = "failed"
ERROR = "error"
STATUSES = (PASSED, FAILED, ERROR)


class Inputs(enum.StrEnum):
    """Which inputs a test ran on; its value is what the JSON result holds."""

    # The seeds in course.toml, which every student release holds: feedback.
    PUBLIC = "public"
    # Seeds derived from the course secret (grader.course.secret): inputs no student has seen; the grade that counts.
    INSTRUCTOR = "instructor"


class Limit(enum.StrEnum):
    """Which limit ended a test; its value is what the JSON result holds."""

    TIME = "time"
    MEMORY = "memory"
    OUTPUT = "output"


@dataclass(frozen=True)
class TestResult:
    """The outcome of one graded test."""

    __test__ = False  # Not a pytest test class, despite the name.

    name: str
    status: str
    score: int
    max_score: int
    message: str = ""
    hint: str = ""
    hidden: bool = False
    # Which limit ended the test, if one did.
    limit: Limit | None = None
    # True when the student's code still raises the stub's NotImplementedError.
    not_implemented: bool = False
    # The inputs the test ran on.
    inputs: Inputs = Inputs.PUBLIC
    # For the instructor only: the failure with the values of instructor inputs, which `message`
    # describes without them. Empty for public inputs (the message says it all); never in `for_students`.
    detail: str = ""

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, received {self.status!r}")
        if self.status == PASSED and self.score != self.max_score:
            raise ValueError(f"a passed test scores its max_score, received {self.score}/{self.max_score}")
        if self.status != PASSED and self.score != 0:
            raise ValueError(f"a test that did not pass scores 0, received {self.score}")


@dataclass(frozen=True)
class ExerciseResult:
    """All tests of one exercise."""

    id: str
    title: str
    tests: tuple[TestResult, ...]

    @property
    def score(self) -> int:
        return sum(test.score for test in self.tests)

    @property
    def max_score(self) -> int:
        return sum(test.max_score for test in self.tests)


@dataclass(frozen=True)
class AssignmentGrade:
    """One course assignment as graded: its points (weights) and its grade, as `extra["assignments"]` holds it."""

    name: str
    title: str
    points: float
    max_points: float
    grade: float
    max_grade: float

    @property
    def scaled(self) -> bool:
        """Whether the grade is not the points themselves (the assignment scales its points to 100)."""
        return self.max_points != self.max_grade


@dataclass(frozen=True)
class GradeResult:
    """One grading of one submission."""

    course_id: str
    course_version: str
    exercises: tuple[ExerciseResult, ...]
    environment: dict[str, str]
    isolation: str
    warnings: tuple[str, ...] = ()
    # Failures of the grader itself (never the student's fault): they make the exit code 3.
    internal_errors: tuple[str, ...] = ()
    schema_version: int = SCHEMA_VERSION
    submission: str = ""
    duration_s: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def assignments(self) -> tuple[AssignmentGrade, ...]:
        """The course's assignments as graded (none when the course declares none): what the reporters show."""
        return tuple(AssignmentGrade(**graded) for graded in self.extra.get("assignments", []))

    @property
    def plots(self) -> dict[str, Any]:
        """Each exercise's figure specifications (`grader.grading.plotdata`) for the HTML report, or {}."""
        plots: dict[str, Any] = self.extra.get("plots", {})
        return plots

    @property
    def score(self) -> int:
        return sum(exercise.score for exercise in self.exercises)

    @property
    def max_score(self) -> int:
        return sum(exercise.max_score for exercise in self.exercises)

    @property
    def tests(self) -> list[tuple[ExerciseResult, TestResult]]:
        return [(exercise, test) for exercise in self.exercises for test in exercise.tests]

    @property
    def return_code(self) -> ExitCode:
        """OK all passed, TESTS_FAILED some test failed, INTERNAL the grader failed or collected no test."""
        if self.internal_errors or not self.tests:
            return ExitCode.INTERNAL
        if all(test.status == PASSED for _, test in self.tests):
            return ExitCode.OK
        return ExitCode.TESTS_FAILED

    def for_students(self) -> GradeResult:
        """The result a student may see: hidden tests keep their score, lose message and hint; no test keeps
        the instructor's `detail` (the values of instructor inputs)."""
        exercises = tuple(
            ExerciseResult(
                id=exercise.id,
                title=exercise.title,
                tests=tuple(
                    TestResult(
                        name="hidden test",
                        status=test.status,
                        score=test.score,
                        max_score=test.max_score,
                        hidden=True,
                        inputs=test.inputs,
                    )
                    if test.hidden
                    else replace(test, detail="")
                    for test in exercise.tests
                ),
            )
            for exercise in self.exercises
        )
        return GradeResult(**{**self._fields(), "exercises": exercises})

    def _fields(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of DESIGN.md: scores computed, key order stable."""
        return {
            "schema_version": self.schema_version,
            "course": {"id": self.course_id, "version": self.course_version},
            "submission": self.submission,
            "score": self.score,
            "max_score": self.max_score,
            "exercises": [
                {
                    "id": exercise.id,
                    "title": exercise.title,
                    "score": exercise.score,
                    "max_score": exercise.max_score,
                    "tests": [asdict(test) for test in exercise.tests],
                }
                for exercise in self.exercises
            ],
            "environment": dict(self.environment),
            "isolation": self.isolation,
            "warnings": list(self.warnings),
            "internal_errors": list(self.internal_errors),
            "duration_s": self.duration_s,
            "extra": dict(self.extra),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GradeResult:
        """Rebuild a result from `to_dict`'s output (for the gradebook and exports)."""
        if data.get("schema_version") not in READABLE_SCHEMA_VERSIONS:
            raise ValueError(
                f"unsupported schema_version {data.get('schema_version')!r}, expected one of {READABLE_SCHEMA_VERSIONS}"
            )
        return cls(
            course_id=data["course"]["id"],
            course_version=data["course"]["version"],
            submission=data.get("submission", ""),
            exercises=tuple(
                ExerciseResult(
                    id=exercise["id"],
                    title=exercise["title"],
                    tests=tuple(
                        TestResult(
                            **{
                                **test,
                                "limit": None if test.get("limit") is None else Limit(test["limit"]),
                                # A version 1 test ran on public inputs; a later one must say which (never guessed).
                                "inputs": Inputs(test["inputs"]) if data["schema_version"] >= 2 else Inputs.PUBLIC,
                            }
                        )
                        for test in exercise["tests"]
                    ),
                )
                for exercise in data["exercises"]
            ),
            environment=dict(data["environment"]),
            isolation=data["isolation"],
            warnings=tuple(data.get("warnings", ())),
            internal_errors=tuple(data.get("internal_errors", ())),
            duration_s=float(data.get("duration_s", 0.0)),
            extra=dict(data.get("extra", {})),
        )
