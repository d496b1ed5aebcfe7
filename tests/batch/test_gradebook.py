"""The SQLite gradebook: one row per submission, latest per student, refusals, summary."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from grader.batch.gradebook import ERROR, OK, Gradebook, Row
from grader.batch.totals import summarize
from grader.errors import UsageError
from tests.factories import sample_result


def row(
    student: str,
    sha256: str,
    *,
    submitted_at: str | None = None,
    status: str = OK,
    graded_at: str = "2026-01-01T00:00:00Z",
    score: int = 6,
) -> Row:
    result = sample_result().to_dict() if status == OK else None
    return Row(
        student=student,
        source=f"/in/{student}-{sha256}.zip",
        sha256=sha256,
        submitted_at=submitted_at,
        graded_at=graded_at,
        status=status,
        error="" if status == OK else "unsafe archive",
        score=score if status == OK else None,
        max_score=15 if status == OK else None,
        result=result,
        duration_s=1.5,
    )


def test_rows_round_trip_and_persist(tmp_path: Path) -> None:
    """A recorded row reads back equal, from a new connection too."""
    stored = row("alice", "a1", submitted_at="2026-01-01T10:00:00Z")
    with Gradebook(tmp_path / "gb.sqlite", course_id="keras-intro") as gradebook:
        gradebook.record(stored)
    with Gradebook(tmp_path / "gb.sqlite", create=False) as gradebook:
        (read,) = gradebook.rows()
        assert replace(read, id=None) == stored
        assert gradebook.contains("alice", "a1") and not gradebook.contains("alice", "a2")
        assert gradebook.course_id == "keras-intro"


def test_same_submission_is_never_stored_twice(tmp_path: Path) -> None:
    """Recording (student, sha256) again updates the row; the table refuses a second copy."""
    with Gradebook(tmp_path / "gb.sqlite", course_id="keras-intro") as gradebook:
        gradebook.record(row("alice", "a1", score=3))
        gradebook.record(row("alice", "a1", score=6))
        assert [(r.student, r.score) for r in gradebook.rows()] == [("alice", 6)]
    connection = sqlite3.connect(tmp_path / "gb.sqlite")
    with pytest.raises(sqlite3.IntegrityError):
        connection.execute(
            "INSERT INTO submissions (student, source, sha256, graded_at, status) SELECT student, source, sha256, graded_at, status FROM submissions"
        )
    connection.close()


def test_latest_submission_per_student_counts(tmp_path: Path) -> None:
    """Latest by manifest time, then by graded order; folders (no manifest) by graded time; history kept."""
    with Gradebook(tmp_path / "gb.sqlite", course_id="keras-intro") as gradebook:
        gradebook.record(row("alice", "late", submitted_at="2026-01-02T00:00:00Z", score=6))
        gradebook.record(row("alice", "early", submitted_at="2026-01-01T00:00:00Z", score=3))
        gradebook.record(row("bob", "first", submitted_at="2026-01-01T00:00:00Z", score=3))
        gradebook.record(row("bob", "second", submitted_at="2026-01-01T00:00:00Z", status=ERROR))
        gradebook.record(row("carol", "old", graded_at="2026-01-01T00:00:00Z", score=3))
        gradebook.record(row("carol", "new", graded_at="2026-01-03T00:00:00Z", score=6))
        latest = {r.student: r.sha256 for r in gradebook.latest()}
        assert latest == {"alice": "late", "bob": "second", "carol": "new"}
        assert len(gradebook.rows()) == 6


def test_other_course_and_foreign_files_are_refused(tmp_path: Path) -> None:
    """A gradebook of another course, a non-SQLite file and a missing file are usage errors."""
    with Gradebook(tmp_path / "gb.sqlite", course_id="keras-intro") as gradebook:
        gradebook.record(row("alice", "a1"))
    with pytest.raises(UsageError, match="not 'other-course'"):
        Gradebook(tmp_path / "gb.sqlite", course_id="other-course")
    (tmp_path / "notes.txt").write_text("hello, this is not a database\n" * 100)
    with pytest.raises(UsageError, match="is not a gradebook"):
        Gradebook(tmp_path / "notes.txt", course_id="keras-intro")
    with pytest.raises(UsageError, match="No gradebook"):
        Gradebook(tmp_path / "missing.sqlite", create=False)


def test_summary_counts_mean_pass_rates_errors_and_tampering(tmp_path: Path) -> None:
    """The summary gives counts, the mean, the pass rate per exercise, errors and modified submissions."""
    rows = [
        row("alice", "a1", score=6),
        replace(row("bob", "b1", score=3), modified_after_submit=True, notes="modified after submit: x"),
        row("carol", "c1", status=ERROR),
    ]
    summary = summarize(rows)
    assert (summary.submissions, summary.ok, summary.mean_score, summary.mean_max_score) == (3, 2, 4.5, 15)
    assert summary.pass_rates == (("square_loss", 0, 2), ("split_validation", 2, 2))
    assert [r.student for r in summary.errors] == ["carol"] and [r.student for r in summary.modified] == ["bob"]
    text = summary.render()
    assert "Submissions: 3 (2 graded, 1 errors)" in text and "split_validation  2/2  100%" in text
    assert "Modified after submit: 1" in text and "unsafe archive" in text


def test_gradebook_without_received_at_gains_the_column_and_keeps_its_rows(tmp_path: Path) -> None:
    """A gradebook written before `received_at`: opened, the column is added empty, and a regrading fills it."""
    path = tmp_path / "old.sqlite"
    row = Row(student="ana", source="s", sha256="a" * 64, submitted_at=None, graded_at="2026-01-01T00:00:00Z",
              status=OK, score=1, max_score=2, received_at="2026-01-01T00:00:00Z")  # fmt: skip
    with Gradebook(path, course_id="keras-intro") as book:
        book.record(row)
    connection = sqlite3.connect(path)
    connection.execute("ALTER TABLE submissions DROP COLUMN received_at")
    connection.commit()
    connection.close()
    with Gradebook(path, create=False) as book:
        assert [(stored.student, stored.received_at) for stored in book.latest()] == [("ana", None)]
        book.record(replace(row, graded_at="2026-01-02T00:00:00Z", received_at="2026-01-02T00:00:00Z"))
        assert [stored.received_at for stored in book.latest()] == ["2026-01-02T00:00:00Z"]


def test_regrading_keeps_the_first_received_time(tmp_path: Path) -> None:
    """The same submission graded again keeps when it was first received; its grade is replaced."""
    row = Row(student="ana", source="s", sha256="a" * 64, submitted_at=None, graded_at="2026-01-01T00:00:00Z",
              status=OK, score=1, max_score=2, received_at="2026-01-01T00:00:00Z")  # fmt: skip
    with Gradebook(tmp_path / "gb.sqlite", course_id="keras-intro") as book:
        book.record(row)
        book.record(replace(row, score=2, graded_at="2026-02-01T00:00:00Z", received_at="2026-02-01T00:00:00Z"))
        (stored,) = book.latest()
    assert (stored.score, stored.received_at) == (2, "2026-01-01T00:00:00Z")
