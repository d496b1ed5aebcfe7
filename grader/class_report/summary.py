"""The class summary: frozen dataclasses of plain JSON types, computed from the gradebook's rows.

`ClassSummary.to_dict()` is `summary.json`; the HTML page is drawn from the same object.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from grader.batch.gradebook import OK, Row
from grader.results import PASSED, GradeResult

SCHEMA_VERSION = 1
EXAMPLE_STUDENTS = 5
STATUSES = ("full marks", "partial", "zero", "not graded")


@dataclass(frozen=True)
class ScoreStats:
    """Scores of the graded students on one exercise, or in total."""

    id: str
    title: str
    max_score: int
    scores: tuple[int, ...]
    mean: float | None
    median: float | None


@dataclass(frozen=True)
class HintCount:
    """One hint, how many students got it, and a few of them."""

    hint: str
    count: int
    students: tuple[str, ...]


@dataclass(frozen=True)
class TestStats:
    """One test across the class."""

    __test__ = False  # Not a pytest test class, despite the name.

    exercise: str
    name: str
    hidden: bool
    max_score: int
    attempted: int
    passed: int
    pass_rate: float | None
    hints: tuple[HintCount, ...]


@dataclass(frozen=True)
class LateEntry:
    """A student who handed in after the deadline (or whose time is unknown)."""

    student: str
    submitted_at: str | None  # when it was received (grader.class_report.times), the time lateness is judged by
    time_source: str  # where that time comes from: --received CSV, file system at intake, graded_at, unknown
    days_late: int
    penalty_percent: float
    score: int | None
    score_after_penalty: float | None
    claimed_at: str | None = None  # the time the student's manifest or last commit claims: shown, never used
    claimed_source: str = ""
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class PairEntry:
    """A similar pair as the summary lists it (the side-by-side code is in the HTML only)."""

    student_a: str
    student_b: str
    score: float
    shared_tokens: int
    modules: tuple[str, ...]


@dataclass(frozen=True)
class TamperEntry:
    """A student repository whose protected files differ from the release."""

    student: str
    repository: str
    changed: tuple[str, ...]
    added: tuple[str, ...]
    missing: tuple[str, ...]
    history: tuple[str, ...] = ()  # "<commit> changed|added|deleted <path>", reverted later or not


@dataclass(frozen=True)
class StudentEntry:
    """One student's line in the class report."""

    student: str
    page: str  # "students/<file>.html", or "" when there is no result to show
    status: str  # full marks, partial, zero, not graded, or error (with its reason in `problems`)
    total: int | None
    max_score: int | None
    exercises: tuple[int | None, ...]  # in the order of ClassSummary.exercises; None: not graded
    problems: tuple[str, ...]  # timeouts, syntax errors, unimplemented stubs, the reason of an error
    late: str = ""
    tampered: bool = False
    similar_to: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClassSummary:
    """Everything `grade report` found, as plain data."""

    course_id: str
    students: int
    statuses: dict[str, int]
    total: ScoreStats
    exercises: tuple[ScoreStats, ...]
    tests: tuple[TestStats, ...]
    errors: tuple[tuple[str, str], ...]  # (student, why it could not be graded)
    similar_pairs: tuple[PairEntry, ...] = ()
    similarity_note: str = ""
    tampered: tuple[TamperEntry, ...] = ()
    repositories_checked: int = 0
    tamper_note: str = ""
    late_policy: str = ""
    late: tuple[LateEntry, ...] = ()
    # Every student: scores, status, problems and flags (grader.class_report.students).
    per_student: tuple[StudentEntry, ...] = ()
    schema_version: int = SCHEMA_VERSION
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _stats(id_: str, title: str, max_score: int, scores: list[int]) -> ScoreStats:
    return ScoreStats(
        id=id_,
        title=title,
        max_score=max_score,
        scores=tuple(scores),
        mean=round(statistics.fmean(scores), 2) if scores else None,
        median=float(statistics.median(scores)) if scores else None,
    )


def status_of(row: Row) -> str:
    """The status a student counts under: full marks, partial, zero, or not graded."""
    if row.status != OK or row.score is None:
        return "not graded"
    if row.score == row.max_score:
        return "full marks"
    return "zero" if row.score == 0 else "partial"


@dataclass
class _Tally:
    """One test's counts while the rows are read."""

    hidden: bool
    max_score: int
    attempted: int = 0
    passed: int = 0
    hints: dict[str, list[str]] = field(default_factory=dict)  # hint -> the students who got it


def summarize_class(course_id: str, rows: Iterable[Row]) -> ClassSummary:
    """Scores, statuses, pass rates and hints of the latest submission of each student."""
    rows = list(rows)
    graded = [(row, GradeResult.from_dict(row.result)) for row in rows if row.status == OK and row.result is not None]
    statuses = Counter(status_of(row) for row in rows)
    exercise_scores: dict[str, list[int]] = {}
    exercise_meta: dict[str, tuple[str, int]] = {}
    tests: dict[tuple[str, str], _Tally] = {}
    for row, result in graded:
        for exercise in result.exercises:
            exercise_scores.setdefault(exercise.id, []).append(exercise.score)
            exercise_meta.setdefault(exercise.id, (exercise.title, exercise.max_score))
            for test in exercise.tests:
                tally = tests.setdefault((exercise.id, test.name), _Tally(test.hidden, test.max_score))
                tally.attempted += 1
                tally.passed += int(test.status == PASSED)
                if test.status != PASSED and test.hint:
                    tally.hints.setdefault(test.hint, []).append(row.student)
    test_stats = tuple(
        TestStats(
            exercise=exercise_id,
            name=name,
            hidden=tally.hidden,
            max_score=tally.max_score,
            attempted=tally.attempted,
            passed=tally.passed,
            pass_rate=round(tally.passed / tally.attempted, 4) if tally.attempted else None,
            hints=tuple(
                HintCount(hint, len(students), tuple(sorted(students)[:EXAMPLE_STUDENTS]))
                for hint, students in sorted(tally.hints.items(), key=lambda item: (-len(item[1]), item[0]))
            ),
        )
        for (exercise_id, name), tally in tests.items()
    )
    totals = [int(row.score or 0) for row, _ in graded]
    max_total = max((int(row.max_score or 0) for row, _ in graded), default=0)
    return ClassSummary(
        course_id=course_id,
        students=len(rows),
        statuses={status: statuses.get(status, 0) for status in STATUSES},
        total=_stats("total", "Total", max_total, totals),
        exercises=tuple(
            _stats(exercise_id, exercise_meta[exercise_id][0], exercise_meta[exercise_id][1], scores)
            for exercise_id, scores in exercise_scores.items()
        ),
        tests=test_stats,
        errors=tuple((row.student, row.error) for row in rows if row.status != OK),
    )
