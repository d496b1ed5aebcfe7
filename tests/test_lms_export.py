"""`grade export --format canvas|moodle`: files read back with the column rules of each LMS's documentation."""

from __future__ import annotations

import csv
import datetime
import io
import math
import re
from pathlib import Path

import pytest
from class_factory import DEADLINE, GeneratedClass, make_class
from conftest import run_grade

from grader.batch.gradebook import Gradebook
from grader.course.config import load_course

CANVAS_IDENTITY = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> GeneratedClass:
    return make_class(tmp_path_factory.mktemp("lms"))


def write_roster(path: Path, students: list[str]) -> Path:
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:  # as Excel saves it: with a byte-order mark
        writer = csv.writer(handle)
        writer.writerow(
            [
                "student",
                "name",
                "canvas_id",
                "sis_user_id",
                "sis_login_id",
                "section",
                "first_name",
                "last_name",
                "id_number",
                "email",
            ]
        )
        for number, student in enumerate(students, start=1):
            writer.writerow([student, f"Doe-{student}, Jan", 5000 + number, f"SIS{number:04d}", f"jdoe{number}", "Lab 1" if number % 2 else "Lab 2",
                             "Jan", f"Doe-{student}", f"ID{number:04d}", f"{student}@example.edu"])  # fmt: skip
    return path


def expected_grades(generated: GeneratedClass) -> dict[str, float | None]:
    """The grades the export must carry, computed here independently: 10% per started day late, 0 after 3 days."""
    deadline = datetime.datetime.fromisoformat(DEADLINE.replace("Z", "+00:00"))
    grades: dict[str, float | None] = {}
    with Gradebook(generated.gradebook, create=False) as gradebook:
        for row in gradebook.latest():
            if row.score is None:
                grades[row.student] = None
                continue
            handed_in = datetime.datetime.fromisoformat(
                row.graded_at.replace("Z", "+00:00")
            )  # the factory's submit time
            days = max(0, math.ceil((handed_in - deadline).total_seconds() / 86400))
            grades[row.student] = 0.0 if days > 3 else round(row.score * (1 - 0.1 * days), 2)
    return grades


def read_canvas(text: str) -> tuple[str, float, dict[str, str]]:
    """Canvas's import rules: the five identity columns first, then assignments; an optional Points Possible row;
    students matched by ID (else SIS User ID, else SIS Login ID); a grade is empty or a number."""
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    assert header[:5] == CANVAS_IDENTITY and len(header) == 6
    assert re.fullmatch(r".+ \(\d+\)", header[5]), "an existing assignment is named 'Name (assignment id)'"
    assert rows[1][0].strip() == "Points Possible" and rows[1][1:5] == ["", "", "", ""]
    points = float(rows[1][5])
    grades: dict[str, str] = {}
    for row in rows[2:]:
        assert len(row) == 6
        key = row[1] or row[2] or row[3]
        assert key and key not in grades
        assert row[5] == "" or 0 <= float(row[5]) <= points
        grades[key] = row[5]
    return header[5], points, grades


def test_canvas_csv_round_trips(generated: GeneratedClass, tmp_path: Path) -> None:
    """Every roster student comes back under their Canvas ID with the grade after the late policy."""
    roster = write_roster(tmp_path / "roster.csv", list(generated.students))
    out = tmp_path / "canvas.csv"
    done = run_grade("export", "--gradebook", str(generated.gradebook), "--format", "canvas", "--roster", str(roster), "--out", str(out),
                     "--course", str(generated.course_path), "--column", "Keras intro", "--assignment-id", "4711")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"Student,ID,") and b"\r\n" in out.read_bytes()
    name, points, grades = read_canvas(out.read_text(encoding="utf-8"))
    assert name == "Keras intro (4711)" and points == load_course(generated.course_path).max_score
    expected = expected_grades(generated)
    by_id = {str(5000 + number): student for number, student in enumerate(generated.students, start=1)}
    assert {by_id[key]: (float(value) if value else None) for key, value in grades.items()} == expected
    assert 0.0 in expected.values() and any(
        value is not None and value != int(value) for value in expected.values()
    )  # penalties did apply
    assert "s40: not graded" in done.stderr


def test_moodle_csv_round_trips(generated: GeneratedClass, tmp_path: Path) -> None:
    """Moodle's rules: a header; users identified by ID number or email, unique; the grade item a number; feedback text."""
    roster = write_roster(tmp_path / "roster.csv", list(generated.students))
    done = run_grade("export", "--gradebook", str(generated.gradebook), "--format", "moodle", "--roster", str(roster),
                     "--course", str(generated.course_path))  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert list(rows[0])[:4] == ["First name", "Last name", "ID number", "Email address"]
    item = list(rows[0])[4]
    assert item == "Introduction to Keras and TensorFlow" and list(rows[0])[5] == f"Feedback: {item}"
    emails = [row["Email address"] for row in rows]
    assert len(set(emails)) == len(emails) == 40
    expected = expected_grades(generated)
    assert {row["Email address"].split("@")[0]: (float(row[item]) if row[item] else None) for row in rows} == expected
    assert any("day(s) late" in row[f"Feedback: {item}"] for row in rows)


def test_missing_roster_exits_2(generated: GeneratedClass, tmp_path: Path) -> None:
    """No --roster, or a roster file that is not there: exit 2 and what the roster must hold."""
    for extra in ([], ["--roster", str(tmp_path / "nope.csv")]):
        done = run_grade("export", "--gradebook", str(generated.gradebook), "--format", "canvas", *extra)
        assert done.returncode == 2 and "student" in done.stderr and "Traceback" not in done.stderr


def test_student_missing_from_roster_exits_2(generated: GeneratedClass, tmp_path: Path) -> None:
    """A graded student the roster does not list: exit 2, naming the student, so that no grade is lost."""
    roster = write_roster(tmp_path / "roster.csv", [student for student in generated.students if student != "s12"])
    done = run_grade("export", "--gradebook", str(generated.gradebook), "--format", "moodle", "--roster", str(roster))
    assert done.returncode == 2 and "s12" in done.stderr


def test_roster_without_canvas_ids_exits_2(generated: GeneratedClass, tmp_path: Path) -> None:
    """Canvas matches students by ID, SIS User ID or SIS Login ID: a roster with none of them is refused."""
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "student,name\n" + "".join(f"{student},{student}\n" for student in generated.students), encoding="utf-8"
    )
    done = run_grade("export", "--gradebook", str(generated.gradebook), "--format", "canvas", "--roster", str(roster))
    assert done.returncode == 2 and "SIS User ID" in done.stderr
