"""Rosters as Canvas, Moodle and Classroom export them, and Classroom repository names mapped to LMS logins."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from conftest import run_grade

from grader.batch.gradebook import OK, Gradebook, Row
from tests.factories import sample_result

# Canvas's gradebook export as it comes: the five student columns, Integration ID, assignments and scores,
# the "Points Possible" row, and Canvas's test student.
CANVAS_EXPORT = """Student,ID,SIS User ID,SIS Login ID,Integration ID,Section,Keras (4711),Current Score,Final Score
    Points Possible,,,,,,100,(read only),(read only)
,,,,,,Manual Posting,,
"Dupont, Ana",5001,SIS0001,ana,,Lab 1,,,
"Bell, Bob",5002,SIS0002,bob,,Lab 2,,,
"Zoë, Élise",5003,SIS0003,elise,,Lab 1,,,
"Student, Test",5099,,,,Lab 1,,,
"""
# Classroom's roster: identifier (the LMS login here) and the GitHub user name the repository is named after.
CLASSROOM = (
    "identifier,github_username,github_id,name\nana,ana-gh,1,Ana\nbob,octocat-b,2,Bob\nelise,Zoe\u0308-dev,3,Élise\n"
)
MOODLE_EXPORT = """First name,Last name,ID number,Email address,Username
Ana,Dupont,N1,ana@example.edu,ana
Bob,Bell,N2,bob@example.edu,bob
Élise,Zoë,N3,elise@example.edu,elise
"""


@pytest.fixture(scope="module")
def gradebook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real SQLite gradebook whose ids are Classroom repository folders (`keras-intro-<GitHub user>`)."""
    path = tmp_path_factory.mktemp("roster") / "gb.sqlite"
    result = sample_result()
    with Gradebook(path, course_id=result.course_id) as book:
        for number, (folder, score) in enumerate((("keras-intro-ana-gh", 6), ("keras-intro-octocat-b", 9),
                                                  ("keras-intro-Zo\u00eb-dev", 12))):  # fmt: skip
            book.record(Row(student=folder, source=f"/in/{folder}", sha256=f"{number:064x}", submitted_at=None,
                            graded_at="2026-01-02T00:00:00Z", status=OK, score=score, max_score=15, result=result.to_dict()))  # fmt: skip
    return path


def export(gradebook: Path, tmp_path: Path, roster: str, *extra: str, lms: str = "canvas") -> tuple[int, str, str]:
    (tmp_path / "roster.csv").write_text(roster, encoding="utf-8-sig")
    (tmp_path / "classroom.csv").write_text(CLASSROOM, encoding="utf-8")
    done = run_grade("export", "--gradebook", str(gradebook), "--format", lms, "--roster", str(tmp_path / "roster.csv"),
                     "--course", str(tmp_path / "none.toml"), *extra)  # fmt: skip
    return done.returncode, done.stdout, done.stderr


def test_canvas_gradebook_export_is_a_roster(gradebook: Path, tmp_path: Path) -> None:
    """Canvas's own export, repositories mapped by pattern and Classroom roster: each grade under the right Canvas ID."""
    code, out, err = export(gradebook, tmp_path, CANVAS_EXPORT, "--id-pattern", "keras-intro-{login}",
                            "--classroom-roster", str(tmp_path / "classroom.csv"))  # fmt: skip
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    grades = {row[1]: row[5] for row in rows[2:]}
    assert grades == {"5001": "6", "5002": "9", "5003": "12", "5099": ""}  # the NFD GitHub name found Élise


def test_moodle_participants_export_is_a_roster(gradebook: Path, tmp_path: Path) -> None:
    """Moodle's participants export matched by Username: each grade beside the right email."""
    code, out, err = export(gradebook, tmp_path, MOODLE_EXPORT, "--id-pattern", "keras-intro-{login}",
                            "--classroom-roster", str(tmp_path / "classroom.csv"), lms="moodle")  # fmt: skip
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    item = list(rows[0])[4]
    assert {row["Email address"]: row[item] for row in rows} == {
        "ana@example.edu": "6", "bob@example.edu": "9", "elise@example.edu": "12"}  # fmt: skip


def test_student_mapped_to_nobody_is_refused_by_name(gradebook: Path, tmp_path: Path) -> None:
    """Without the Classroom roster, `octocat-b` is no login of Canvas: exit 2 naming the repository and the login."""
    code, _, err = export(gradebook, tmp_path, CANVAS_EXPORT, "--id-pattern", "keras-intro-{login}")
    assert code == 2 and "'keras-intro-octocat-b' (login 'octocat-b')" in err and "keras-intro-ana-gh" in err


def test_two_repositories_of_one_student_are_refused(gradebook: Path, tmp_path: Path) -> None:
    """Two GitHub users mapped to one login: exit 2 naming both repositories and the roster line."""
    (tmp_path / "classroom.csv").write_text("", encoding="utf-8")
    roster = CANVAS_EXPORT
    code, _, err = export(gradebook, tmp_path, roster, "--id-pattern", "keras-intro-{login}", "--classroom-roster",
                          str(tmp_path / "two.csv"))  # fmt: skip
    assert code == 2  # the Classroom roster file is missing: said so
    (tmp_path / "two.csv").write_text(CLASSROOM.replace("bob,octocat-b", "ana,octocat-b"), encoding="utf-8")
    code, _, err = export(gradebook, tmp_path, roster, "--id-pattern", "keras-intro-{login}", "--classroom-roster",
                          str(tmp_path / "two.csv"))  # fmt: skip
    assert code == 2 and "'keras-intro-ana-gh' and 'keras-intro-octocat-b' -> Dupont, Ana" in err


def test_roster_naming_one_login_twice_is_refused(gradebook: Path, tmp_path: Path) -> None:
    """Two roster lines with one SIS Login ID: exit 2 naming both lines."""
    roster = CANVAS_EXPORT.replace("SIS0002,bob", "SIS0002,ana")
    code, _, err = export(gradebook, tmp_path, roster, "--id-pattern", "keras-intro-{login}")
    assert code == 2 and "'ana' names two students" in err and "line 4" in err and "line 5" in err


def test_unknown_layout_names_the_layouts(gradebook: Path, tmp_path: Path) -> None:
    """A CSV in no known layout: exit 2 listing the headers the grader reads."""
    code, _, err = export(gradebook, tmp_path, "login,grade\nana,3\n")
    assert code == 2 and "SIS Login ID" in err and "Email address" in err and "github_username" in err
