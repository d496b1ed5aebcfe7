"""`grade export`: CSV, JSON and Gradescope files from the latest submission per student."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from grader.batch.export import export
from grader.batch.gradebook import ERROR, OK, Gradebook, Row
from grader.errors import UsageError
from tests.conftest import run_grade
from tests.factories import sample_result


def make_gradebook(path: Path) -> Path:
    """Alice submitted twice (the later one counts), Bob's archive was refused."""
    result = sample_result().to_dict()
    common = {"graded_at": "2026-01-05T00:00:00Z", "duration_s": 2.0}
    with Gradebook(path, course_id="keras-intro") as gradebook:
        gradebook.record(
            Row(
                student="alice",
                source="/in/old.zip",
                sha256="a0",
                submitted_at="2026-01-01T00:00:00Z",
                status=ERROR,
                error="crashed",
                **common,
            )
        )
        gradebook.record(
            Row(
                student="alice",
                source="/in/alice.zip",
                sha256="a1",
                submitted_at="2026-01-02T00:00:00Z",
                status=OK,
                score=6,
                max_score=15,
                result=result,
                modified_after_submit=True,
                notes="modified after submit: x",
                **common,
            )
        )
        gradebook.record(
            Row(
                student="bob",
                source="/in/bob.zip",
                sha256="b1",
                submitted_at=None,
                status=ERROR,
                error="unsafe archive: '..'",
                **common,
            )
        )
    return path


def test_csv_has_one_row_per_student_and_a_column_per_exercise(tmp_path: Path) -> None:
    """CSV: latest submission per student, exercise columns, total, max and status."""
    text, written = export(gradebook_path=make_gradebook(tmp_path / "gb.sqlite"), output_format="csv", out=None)
    assert written == []
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["student"] for row in rows] == ["alice", "bob"]
    alice, bob = rows
    assert (alice["status"], alice["square_loss"], alice["split_validation"], alice["total"], alice["max_score"]) == (
        "ok",
        "3",
        "3",
        "6",
        "15",
    )
    assert alice["modified_after_submit"] == "1" and alice["source"] == "/in/alice.zip"
    assert (bob["status"], bob["square_loss"], bob["total"], bob["error"]) == ("error", "", "", "unsafe archive: '..'")
    assert list(rows[0])[:4] == ["student", "status", "square_loss", "split_validation"]


def test_json_holds_the_result_per_student(tmp_path: Path) -> None:
    """JSON: one entry per student with the full result (null when it could not be graded)."""
    text, _ = export(gradebook_path=make_gradebook(tmp_path / "gb.sqlite"), output_format="json", out=None)
    document = json.loads(text)
    assert document["course"] == "keras-intro"
    alice, bob = document["students"]
    assert alice["result"]["score"] == 6 and alice["result"]["exercises"][0]["id"] == "square_loss"
    assert bob["result"] is None and bob["status"] == "error"


def test_gradescope_writes_results_json_per_student(tmp_path: Path) -> None:
    """Gradescope: <out>/<student>/results.json; hidden tests after_published; errors score 0 with the reason."""
    _, written = export(
        gradebook_path=make_gradebook(tmp_path / "gb.sqlite"), output_format="gradescope", out=tmp_path / "gs"
    )
    assert sorted(path.relative_to(tmp_path / "gs").as_posix() for path in written) == [
        "alice/results.json",
        "bob/results.json",
    ]
    alice = json.loads((tmp_path / "gs" / "alice" / "results.json").read_text())
    bob = json.loads((tmp_path / "gs" / "bob" / "results.json").read_text())
    assert alice["score"] == 6 and {"name", "score", "max_score", "status", "output", "visibility"} <= set(
        alice["tests"][0]
    )
    assert [test["visibility"] for test in alice["tests"] if "hidden" in test["name"]] == ["after_published"]
    assert bob == {
        "score": 0,
        "output": "Your submission could not be graded: unsafe archive: '..'",
        "visibility": "visible",
        "tests": [],
    }


def test_export_refuses_a_missing_gradebook(tmp_path: Path) -> None:
    """Exporting a gradebook that does not exist is a usage error."""
    with pytest.raises(UsageError, match="No gradebook"):
        export(gradebook_path=tmp_path / "none.sqlite", output_format="csv", out=None)


def test_export_command_writes_the_csv_file(tmp_path: Path) -> None:
    """The real `grade export` writes --out and exits 0; a missing gradebook exits 2."""
    gradebook = make_gradebook(tmp_path / "gb.sqlite")
    done = run_grade("export", "--gradebook", str(gradebook), "--format", "csv", "--out", str(tmp_path / "grades.csv"))
    assert done.returncode == 0, done.stderr
    assert (
        (tmp_path / "grades.csv").read_text().startswith("student,status,square_loss,split_validation,total,max_score")
    )
    missing = run_grade("export", "--gradebook", str(tmp_path / "none.sqlite"))
    assert missing.returncode == 2 and "No gradebook" in missing.stderr


def test_csv_cells_that_look_like_formulas_are_text(tmp_path: Path) -> None:
    """A student id and an error starting with = + - @ come out with a leading apostrophe (OWASP)."""
    with Gradebook(tmp_path / "gb.sqlite", course_id="keras-intro") as gradebook:
        gradebook.record(
            Row(student='=HYPERLINK("https://evil.example","x")', source="@SUM(A1)", sha256="h1", submitted_at=None,
                graded_at="2026-01-05T00:00:00Z", status=ERROR, error="-2+3 cmd|' /C calc'!A0")
        )  # fmt: skip
    text, _ = export(gradebook_path=tmp_path / "gb.sqlite", output_format="csv", out=None)
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["student"] == '\'=HYPERLINK("https://evil.example","x")'
    assert row["source"] == "'@SUM(A1)" and row["error"].startswith("'-2+3")


def test_gradescope_folders_of_odd_ids_stay_inside_and_apart(tmp_path: Path) -> None:
    """Ids `../x`, `!!!` and `???` get one folder each, all under --out."""
    with Gradebook(tmp_path / "gb.sqlite", course_id="keras-intro") as gradebook:
        for number, student in enumerate(("../x", "!!!", "???")):
            gradebook.record(Row(student=student, source="s", sha256=f"h{number}", submitted_at=None,
                                 graded_at="2026-01-05T00:00:00Z", status=ERROR, error="e"))  # fmt: skip
    _, written = export(gradebook_path=tmp_path / "gb.sqlite", output_format="gradescope", out=tmp_path / "gs")
    assert len({path.parent for path in written}) == 3
    assert all(path.resolve().is_relative_to((tmp_path / "gs").resolve()) for path in written)
