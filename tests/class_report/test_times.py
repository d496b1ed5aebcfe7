"""Lateness from when the instructor received a submission: backdated commits and manifests do not make it on time."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, SOLUTIONS, run_grade

from grader.batch.gradebook import OK, Gradebook, Row
from grader.class_report.times import INTAKE, RECEIVED_CSV
from grader.course.config import load_course
from grader.intake.archive import MANIFEST_NAME, Manifest, sha256_bytes, write_deterministic_zip
from grader.intake.submissions import Source, SourceKind, intake

DEADLINE = "2026-06-01T23:59:00Z"  # before this test runs: everything received now is late
BACKDATED = "2026-05-01T12:00:00Z"


def git(repository: Path, *arguments: str, when: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_NAME": "s",
           "GIT_AUTHOR_EMAIL": "s@example.edu", "GIT_COMMITTER_NAME": "s", "GIT_COMMITTER_EMAIL": "s@example.edu"}  # fmt: skip
    subprocess.run(["git", "-C", str(repository), *arguments], check=True, env=env, capture_output=True)


@pytest.fixture(scope="module")
def course_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The kit's course.toml with a deadline in the past and 10% per day, 0 after 3 days."""
    path = tmp_path_factory.mktemp("course") / "course.toml"
    text = (ROOT / "course.toml").read_text(encoding="utf-8")
    text = text.replace("[course]\n", f"[course]\ndeadline = {DEADLINE}\n", 1)
    path.write_text(text + "\n[late]\npercent_per_day = 10\nzero_after_days = 3\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def gradebook(course_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A backdated repository, a rewritten one (dates going backwards), and a zip whose manifest claims May: read by intake."""
    root = tmp_path_factory.mktemp("handins")
    code = (SOLUTIONS / "linear_classifier.py").read_bytes()
    for name, dates in (("backdated", [BACKDATED]), ("rewritten", ["2026-05-20T00:00:00Z", "2026-05-10T00:00:00Z"])):
        repository = root / name
        (repository / "exercises").mkdir(parents=True)
        git(repository, "init", "-q", when=dates[0])
        for number, when in enumerate(dates):
            (repository / "exercises" / "linear_classifier.py").write_bytes(code + f"# {number}\n".encode())
            git(repository, "add", "-A", when=when)
            git(repository, "commit", "-q", "-m", f"work {number}", when=when)
    files = {"linear_classifier.py": code}
    manifest = Manifest(course_id="keras-intro", course_version="2026.1", student="zipper", time=BACKDATED,
                        grader_version="0.1.0", environment={}, files={k: sha256_bytes(v) for k, v in files.items()})  # fmt: skip
    write_deterministic_zip(root / "zipper.submission.zip", {**files, MANIFEST_NAME: manifest.to_json()})
    course = load_course(course_path)
    sources = [Source(root / "backdated", SourceKind.FOLDER), Source(root / "rewritten", SourceKind.FOLDER),
               Source(root / "zipper.submission.zip", SourceKind.ZIP)]  # fmt: skip
    path = root / "gb.sqlite"
    with Gradebook(path, course_id=course.id) as book:
        for source in sources:
            item = intake(source, course)
            assert item.received_at is not None and not item.error
            book.record(Row(student=item.student, source=str(source.path), sha256=item.sha256, submitted_at=item.submitted_at,
                            graded_at=item.received_at, status=OK, score=100, max_score=100, received_at=item.received_at))  # fmt: skip
    return path


def test_backdated_times_are_shown_as_claimed_and_do_not_count(
    gradebook: Path, course_path: Path, tmp_path: Path
) -> None:
    """`grade report`: all three late by the file system's time, each claimed time shown and flagged."""
    done = run_grade(
        "report", "--gradebook", str(gradebook), "--course", str(course_path), "--out", str(tmp_path / "r")
    )
    assert done.returncode == 0, done.stderr
    late = {entry["student"]: entry for entry in json.loads((tmp_path / "r" / "summary.json").read_text())["late"]}
    assert set(late) == {"backdated", "rewritten", "zipper"}
    assert all(entry["time_source"] == INTAKE and entry["days_late"] > 3 for entry in late.values())
    assert late["backdated"]["claimed_source"] == "last commit" and late["zipper"]["claimed_source"] == "manifest"
    assert (
        late["backdated"]["claimed_at"].startswith("2026-05-01") and "before the deadline" in late["zipper"]["flags"][0]
    )
    assert any("commit dates go backwards" in flag for flag in late["rewritten"]["flags"])
    page = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    assert "claimed (not used)" in page and INTAKE in page


def test_export_penalises_by_received_time_and_honours_the_instructors_record(
    gradebook: Path, course_path: Path, tmp_path: Path
) -> None:
    """Canvas export: 0 for all three by the file system; with --received saying they came in on time, 100 each."""
    (tmp_path / "roster.csv").write_text("student,canvas_id\nbackdated,1\nrewritten,2\nzipper,3\n", encoding="utf-8")
    arguments = ["export", "--gradebook", str(gradebook), "--format", "canvas", "--course", str(course_path),
                 "--roster", str(tmp_path / "roster.csv")]  # fmt: skip
    done = run_grade(*arguments)
    assert done.returncode == 0, done.stderr
    assert [row[5] for row in list(csv.reader(io.StringIO(done.stdout)))[2:]] == ["0", "0", "0"]
    assert "zipper: the manifest claims 2026-05-01" in done.stderr
    assert "lateness judged by when each submission was received: 3 from file system at intake" in done.stderr
    (tmp_path / "received.csv").write_text("student,time\nbackdated,2026-06-01T10:00:00Z\nrewritten,2026-06-01T11:00:00Z\n"
                                           "zipper,2026-06-01T12:00:00Z\n", encoding="utf-8")  # fmt: skip
    done = run_grade(*arguments, "--received", str(tmp_path / "received.csv"))
    assert done.returncode == 0, done.stderr
    assert [row[5] for row in list(csv.reader(io.StringIO(done.stdout)))[2:]] == ["100", "100", "100"]
    assert "3 from --received CSV" in done.stderr


def test_report_names_the_received_csv_as_the_source(gradebook: Path, course_path: Path, tmp_path: Path) -> None:
    """Classroom's grades export as --received: a late time from it is used and named as the source."""
    (tmp_path / "classroom.csv").write_text("student_repository_name,submission_timestamp\nzipper,2026-06-03 10:00:00 UTC\n",
                                            encoding="utf-8")  # fmt: skip
    done = run_grade("report", "--gradebook", str(gradebook), "--course", str(course_path), "--out", str(tmp_path / "r"),
                     "--received", str(tmp_path / "classroom.csv"))  # fmt: skip
    assert done.returncode == 0, done.stderr
    late = {entry["student"]: entry for entry in json.loads((tmp_path / "r" / "summary.json").read_text())["late"]}
    assert late["zipper"]["time_source"] == RECEIVED_CSV and late["zipper"]["days_late"] == 2
