"""`grade export --assignment NAME`: the course assignment's own grade out of 100, from a real SQLite gradebook."""

from __future__ import annotations

import csv
import datetime
import io
import math
import shutil
from pathlib import Path

import pytest
from class_factory import DEADLINE, GeneratedClass, make_class
from conftest import run_grade

from grader.batch.gradebook import Gradebook, Row
from grader.course.config import load_course


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> GeneratedClass:
    """The generated class of 40 written through the gradebook's API, with a deadline and a late policy."""
    return make_class(tmp_path_factory.mktemp("lms-grade"))


def roster(path: Path, students: tuple[str, ...]) -> Path:
    """A roster in the grader's own columns, with Canvas IDs 7001...."""
    lines = ["student,name,canvas_id,id_number,email"]
    lines += [f"{s},{s} Doe,{7000 + n},N{n},{s}@example.edu" for n, s in enumerate(students, start=1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def expected_keras(generated: GeneratedClass) -> dict[str, float | None]:
    """Each student's keras grade, computed here from the stored exercises: 100 x earned / possible, then lateness."""
    exercises = load_course(generated.course_path).assignment("keras").exercises
    deadline = datetime.datetime.fromisoformat(DEADLINE.replace("Z", "+00:00"))
    grades: dict[str, float | None] = {}
    with Gradebook(generated.gradebook, create=False) as gradebook:
        for row in gradebook.latest():
            if row.result is None:
                grades[row.student] = None
                continue
            by_id = {exercise["id"]: exercise for exercise in row.result["exercises"]}
            earned = sum(by_id[exercise]["score"] for exercise in exercises)
            possible = sum(by_id[exercise]["max_score"] for exercise in exercises)
            grade = earned if possible == 100 else round(100 * earned / possible, 2)
            handed_in = datetime.datetime.fromisoformat(row.graded_at.replace("Z", "+00:00"))
            days = max(0, math.ceil((handed_in - deadline).total_seconds() / 86400))
            grades[row.student] = 0.0 if days > 3 else round(grade * (1 - 0.1 * days), 2)
    return grades


def test_assignment_exports_its_own_grade_out_of_100(generated: GeneratedClass, tmp_path: Path) -> None:
    """Canvas gets the keras grade (Points Possible 100) under the column --column names, not the course total."""
    done = run_grade("export", "--gradebook", str(generated.gradebook), "--format", "canvas", "--course", str(generated.course_path),
                     "--roster", str(roster(tmp_path / "r.csv", generated.students)), "--assignment", "keras", "--column", "Keras (lab 3)")  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert rows[0][5] == "Keras (lab 3)" and rows[1][0] == "Points Possible" and rows[1][5] == "100"
    by_student = {f"s{int(row[1]) - 7000:02d}": (float(row[5]) if row[5] else None) for row in rows[2:]}
    assert by_student == expected_keras(generated)
    with Gradebook(generated.gradebook, create=False) as gradebook:
        totals = {row.student: row.score for row in gradebook.latest()}
    assert any(by_student[s] != totals[s] for s in by_student if totals[s] is not None)  # not the course total
    assert "writing assignment 'keras'" in done.stderr


def test_without_assignment_the_export_says_it_writes_the_course_total(
    generated: GeneratedClass, tmp_path: Path
) -> None:
    """Moodle without --assignment: the whole-course total, and stderr says so and lists the assignments."""
    done = run_grade("export", "--gradebook", str(generated.gradebook), "--format", "moodle", "--course", str(generated.course_path),
                     "--roster", str(roster(tmp_path / "r.csv", generated.students)))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "whole-course total (points possible 228)" in done.stderr and "--assignment NAME (" in done.stderr


def test_unknown_assignment_exits_2_with_the_closest(generated: GeneratedClass, tmp_path: Path) -> None:
    """--assignment kera: exit 2, naming keras."""
    done = run_grade("export", "--gradebook", str(generated.gradebook), "--format", "canvas", "--course", str(generated.course_path),
                     "--roster", str(roster(tmp_path / "r.csv", generated.students)), "--assignment", "kera")  # fmt: skip
    assert done.returncode == 2 and "'keras'" in done.stderr


def test_gradebook_without_the_assignment_is_refused_by_name(generated: GeneratedClass, tmp_path: Path) -> None:
    """Students graded without keras's exercises: exit 2 naming each student and the missing exercises."""
    copy = tmp_path / "partial.sqlite"
    shutil.copy(generated.gradebook, copy)
    with Gradebook(copy, create=False) as gradebook:
        row = next(row for row in gradebook.latest() if row.result is not None)
        result = {
            **(row.result or {}),
            "exercises": [e for e in (row.result or {})["exercises"] if e["id"] != "layer_shapes"],
        }
        values = {
            **row.__dict__,
            "result": result,
            "sha256": "f" * 64,
            "submitted_at": "2027-01-01T00:00:00Z",
            "id": None,
        }
        gradebook.record(Row(**values))
    done = run_grade("export", "--gradebook", str(copy), "--format", "canvas", "--course", str(generated.course_path),
                     "--roster", str(roster(tmp_path / "r.csv", generated.students)), "--assignment", "keras")  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert f"{row.student} (no layer_shapes)" in done.stderr and "grade batch --assignment keras" in done.stderr


def test_assignment_is_refused_for_csv(generated: GeneratedClass) -> None:
    """--assignment belongs to canvas and moodle: csv says so and exits 2."""
    done = run_grade("export", "--gradebook", str(generated.gradebook), "--assignment", "keras")
    assert done.returncode == 2 and "--format canvas and moodle" in done.stderr
