"""Grades into an LMS: Canvas's and Moodle's gradebook import CSV, from the gradebook and a roster.

The roster (`grader.class_report.roster`) is the LMS's own export (Canvas's gradebook export, Moodle's
participants), Classroom's roster, or a CSV in the grader's columns: `student` (the id the grader
knows, as in the gradebook) and the LMS's own identifiers:

| column | Canvas column | Moodle column |
|---|---|---|
| `name` ("Last, First") | Student | |
| `canvas_id` | ID | |
| `sis_user_id` | SIS User ID | |
| `sis_login_id` | SIS Login ID | |
| `section` | Section | |
| `first_name`, `last_name` | | First name, Last name |
| `id_number` | | ID number |
| `email` | | Email address |

Canvas (Instructor Guide, "How do I import grades in the Gradebook?"): the columns Student,
ID, SIS User ID, SIS Login ID, Section, then one column per assignment ("Name (assignment id)"
for an existing assignment, "Name" to create one), and a "Points Possible" row under the
header; Canvas matches a student by ID, SIS User ID or SIS Login ID; an empty cell leaves the
grade as it is. Moodle (Grades > Import > CSV file): a header row, one column that identifies
the user (ID number or email address, chosen under "Identify user by"), one column per grade
item and a feedback column, mapped on the import page. Scores are after the late policy.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from grader.batch.formats import LmsName
from grader.batch.gradebook import OK, Row
from grader.class_report.lateness import apply_policy
from grader.class_report.lms_grade import GradeChoice, choose_grade
from grader.class_report.roster import RosterEntry, match_students, read_classroom_map, read_roster
from grader.class_report.times import hand_in, read_received
from grader.course.late import LatePolicy
from grader.errors import UsageError
from grader.safetext import for_csv

CANVAS_FIXED = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_POINTS_ROW = "Points Possible"
MOODLE_FIXED = ("First name", "Last name", "ID number", "Email address")


@dataclass(frozen=True)
class LmsColumn:
    """The LMS's grade column: its name (`--column`), its id in the LMS (`--assignment-id`) and its points."""

    name: str
    lms_id: str = ""
    points: float = 100

    @property
    def canvas_header(self) -> str:
        return f"{self.name} ({self.lms_id})" if self.lms_id else self.name


@dataclass(frozen=True)
class Graded:
    """One roster student and their grade (None: nothing gradable, the LMS keeps what it has)."""

    roster: dict[str, str]
    score: float | None
    feedback: str


def grade_roster(
    rows: list[Row],
    roster: list[RosterEntry],
    matched: dict[str, RosterEntry],
    policy: LatePolicy,
    choice: GradeChoice,
    received: dict[str, datetime.datetime] | None = None,
) -> tuple[list[Graded], list[str]]:
    """Each roster student's grade after the late policy, and warnings (`matched`: gradebook id -> roster entry)."""
    by_entry = {id(entry): row for row in rows for entry in [matched[row.student]]}
    graded, warnings = [], []
    sources: dict[str, int] = {}
    for entry in roster:
        fields = {**entry.fields, "student": entry.fields.get("student") or entry.logins[0]}
        row = by_entry.get(id(entry))
        if row is None:
            warnings.append(f"{entry.label}: no submission in the gradebook; the grade cell is left empty")
            graded.append(Graded(fields, None, "no submission"))
            continue
        if row.status != OK or row.score is None:
            warnings.append(f"{row.student}: not graded ({row.error}); the grade cell of {entry.label} is left empty")
            graded.append(Graded(fields, None, f"not graded: {row.error}"))
            continue
        points = choice.points(row)
        handed = hand_in(row, received or {}, policy.deadline)
        outcome = apply_policy(policy, points.grade, handed.received)
        warnings += [f"{row.student}: {flag}" for flag in handed.flags]
        sources[handed.source] = sources.get(handed.source, 0) + 1
        feedback = f"{_number(points.grade)}/{_number(points.possible)}"
        if outcome.late:
            feedback += f", {outcome.days_late} day(s) late: -{outcome.penalty_percent:g}%"
        graded.append(Graded(fields, outcome.score, feedback))
    if policy.deadline is not None and sources:
        counted = ", ".join(f"{count} from {source}" for source, count in sorted(sources.items()))
        warnings.insert(0, f"lateness judged by when each submission was received: {counted}")
    return graded, warnings


def _number(score: float | None) -> str:
    if score is None:
        return ""
    return f"{score:.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class LmsLayout:
    """What one LMS's import file looks like: the roster columns it identifies students by, its header
    rows, its line ending, and a student's row."""

    name: LmsName
    # A student needs one of these roster columns filled, and `missing` says what to do otherwise.
    id_columns: tuple[str, ...]
    missing: str
    line_end: str
    head: Callable[[LmsColumn], list[list[str]]]
    row: Callable[[Graded], list[str]]

    def csv(self, graded: list[Graded], column: LmsColumn) -> str:
        """The import file, or `UsageError` naming every roster student the LMS could not identify."""
        unidentified = [
            item.roster["student"] for item in graded if not any(item.roster.get(c) for c in self.id_columns)
        ]
        if unidentified:
            raise UsageError(self.missing.format(students=", ".join(unidentified)))
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator=self.line_end)
        writer.writerows(self.head(column))
        # Names, ids and feedback come from the roster and the students: text cells are never formulas.
        writer.writerows([for_csv(cell) for cell in self.row(item)] for item in graded)
        return buffer.getvalue()


def _canvas_row(item: Graded) -> list[str]:
    roster = item.roster
    columns = ("canvas_id", "sis_user_id", "sis_login_id", "section")
    return [
        roster.get("name", "") or roster["student"],
        *(roster.get(column, "") for column in columns),
        _number(item.score),
    ]


def _moodle_row(item: Graded) -> list[str]:
    columns = ("first_name", "last_name", "id_number", "email")
    return [*(item.roster.get(column, "") for column in columns), _number(item.score), item.feedback]


LAYOUTS: dict[LmsName, LmsLayout] = {
    # Canvas: the five student columns, the assignment, and the Points Possible row under the header.
    "canvas": LmsLayout(
        name="canvas",
        id_columns=("canvas_id", "sis_user_id", "sis_login_id"),
        missing="Canvas matches students by ID, SIS User ID or SIS Login ID; the roster gives none for {students}."
        " Fill canvas_id, sis_user_id or sis_login_id (Canvas's gradebook export lists them).",
        line_end="\r\n",
        head=lambda column: [
            [*CANVAS_FIXED, column.canvas_header],
            [CANVAS_POINTS_ROW, "", "", "", "", _number(column.points)],
        ],
        row=_canvas_row,
    ),
    # Moodle: names, ID number, email, the grade item and its feedback.
    "moodle": LmsLayout(
        name="moodle",
        id_columns=("id_number", "email"),
        missing="Moodle identifies users by ID number or email address; the roster gives neither for {students}."
        " Fill id_number or email.",
        line_end="\n",
        head=lambda column: [[*MOODLE_FIXED, column.name, f"Feedback: {column.name}"]],
        row=_moodle_row,
    ),
}


@dataclass(frozen=True)
class RosterOptions:
    """The roster (`--roster`), and how gradebook ids become its logins (`--id-pattern`, `--classroom-roster`)."""

    path: Path | None
    id_pattern: str | None = None
    classroom: Path | None = None
    received: Path | None = None  # --received: when the instructor received each submission


def export_lms(
    output_format: LmsName,
    rows: list[Row],
    roster: RosterOptions,
    column: LmsColumn,
    policy: LatePolicy,
    choice: GradeChoice,
) -> tuple[str, list[str]]:
    """The CSV text for `canvas` or `moodle`, and warnings for the terminal."""
    entries = read_roster(roster.path)
    matched = match_students(
        [row.student for row in rows], entries, roster.id_pattern, read_classroom_map(roster.classroom)
    )
    graded, warnings = grade_roster(rows, entries, matched, policy, choice, read_received(roster.received))
    return LAYOUTS[output_format].csv(graded, column), warnings


def export_to_lms(
    *,
    gradebook_path: Path,
    output_format: str,
    out: Path | None,
    roster: RosterOptions,
    assignment: str | None = None,
    column: str | None = None,
    assignment_id: str = "",
    course_path: Path | None = None,
) -> tuple[str, list[Path], list[str]]:
    """`grade export --format canvas|moodle`: returns the text (without --out), the files written and warnings.

    `assignment` names a course assignment (its grade is written); `column` the LMS's column."""
    from grader.batch.gradebook import Gradebook
    from grader.course.config import Course, load_course

    if output_format not in LAYOUTS:
        raise UsageError(f"Unknown LMS format {output_format!r}; use {' or '.join(LAYOUTS)}.")
    with Gradebook(gradebook_path, create=False) as gradebook:
        rows = gradebook.latest()
        course_id = gradebook.course_id
    warnings: list[str] = []
    policy, title = LatePolicy(), course_id
    course: Course | None = None
    if course_path is not None and course_path.is_file():
        course = load_course(course_path)
        policy, title = course.late, course.title or course_id
    else:
        warnings.append(f"no course.toml at {course_path}: no late policy applied (pass --course)")
    choice = choose_grade(course, assignment, rows)
    warnings.insert(0, choice.description)
    lms_column = LmsColumn(column or assignment or title, assignment_id, choice.points_possible)
    text, more = export_lms(output_format, rows, roster, lms_column, policy, choice)
    warnings += more
    if out is None:
        return text, [], warnings
    out.write_text(text, encoding="utf-8", newline="")
    return "", [out], warnings
