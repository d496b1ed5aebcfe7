"""`grade submit`: refusals, a deterministic archive, and nothing but the listed modules."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from grader.course.config import load_course
from grader.course.limits import MAX_MODULE_BYTES
from grader.errors import UsageError
from grader.intake.archive import parse_manifest
from grader.submit import submission_time
from tests.conftest import COURSE_MODULES, EXERCISES, ROOT, SOLUTIONS, run_grade

MODULES = [f"{module}.py" for module in COURSE_MODULES]


def student_workspace(tmp_path: Path, source: Path = EXERCISES) -> Path:
    """A copy of the course as a student has it: course.toml, the reference beside it, exercises/ and clutter."""
    workspace = tmp_path / "course"
    (workspace / "exercises").mkdir(parents=True)
    shutil.copy(ROOT / "course.toml", workspace / "course.toml")
    (workspace / "solutions").symlink_to(SOLUTIONS)
    for name in MODULES:
        shutil.copy(source / name, workspace / "exercises" / name)
    (workspace / "exercises" / "notes.txt").write_text("my notes\n")
    (workspace / "exercises" / "scratch.py").write_text("SECRET = 1\n")
    (workspace / "exercises" / "__pycache__").mkdir()
    (workspace / ".env").write_text("GITHUB_TOKEN=abc\n")
    return workspace


def submit(workspace: Path, *extra: str, student: str = "alice") -> tuple[int, str, str]:
    done = run_grade(
        "submit", "exercises", "--student", student, "--out", str(workspace / "out"), *extra, cwd=workspace
    )
    return done.returncode, done.stdout, done.stderr


def run_submit(workspace: Path, environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The real `grade submit` of exercises/ with extra environment variables."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from grader.cli import main; main()",
            "submit",
            "exercises",
            "--student",
            "alice",
            "--out",
            "out",
        ],
        cwd=workspace,
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, **environment},
    )


def test_no_course_toml_is_refused(tmp_path: Path) -> None:
    """Without course.toml, submit exits 2 and says how to fix it."""
    (tmp_path / "linear_classifier.py").write_text("x = 1\n")
    done = run_grade("submit", str(tmp_path), "--student", "alice", cwd=tmp_path)
    assert done.returncode == 2 and "No course.toml" in done.stderr and "--course" in done.stderr


def test_missing_module_is_refused(tmp_path: Path) -> None:
    """A module listed in course.toml but absent: exit 2, the module named, no archive."""
    workspace = student_workspace(tmp_path)
    (workspace / "exercises" / "simple_dense.py").unlink()
    code, _, stderr = submit(workspace)
    assert code == 2 and "simple_dense.py is missing" in stderr and "simple_dense" in stderr
    assert not (workspace / "out").exists()


def test_oversized_module_is_refused(tmp_path: Path) -> None:
    """A module over the size cap: exit 2 with the size and the cap."""
    workspace = student_workspace(tmp_path)
    (workspace / "exercises" / "validation.py").write_text("#" * (MAX_MODULE_BYTES + 1))
    code, _, stderr = submit(workspace)
    assert code == 2 and f"over the {MAX_MODULE_BYTES}-byte limit" in stderr


def test_out_that_is_a_file_is_refused(tmp_path: Path) -> None:
    """--out naming an existing file is refused with exit 2 before any grading."""
    workspace = student_workspace(tmp_path)
    (workspace / "out").write_text("a file\n")
    code, _, stderr = submit(workspace)
    assert code == 2 and "is a file" in stderr


def test_unsafe_student_id_is_refused(tmp_path: Path) -> None:
    """A student id that could escape a folder is refused with exit 2."""
    workspace = student_workspace(tmp_path)
    code, _, stderr = submit(workspace, student="../bob")
    assert code == 2 and "invalid student id" in stderr


def test_submit_writes_a_deterministic_archive_of_the_listed_modules_only(tmp_path: Path) -> None:
    """Same modules and time give the same bytes; only modules, manifest and result; stubs warn."""
    workspace = student_workspace(tmp_path)
    environment_time = {"SOURCE_DATE_EPOCH": "1767225600"}
    first = run_submit(workspace, environment_time)
    archive = workspace / "out" / "alice.submission.zip"
    first_bytes = archive.read_bytes()
    second = run_submit(workspace, environment_time)
    assert first.returncode == second.returncode == 0, first.stderr
    assert archive.read_bytes() == first_bytes
    assert "square_loss still raises NotImplementedError" in first.stderr
    assert "Total: 0/" in first.stdout and "Wrote" in first.stdout
    with zipfile.ZipFile(archive) as opened:
        members = {name: opened.read(name) for name in opened.namelist()}
    assert sorted(members) == sorted([*MODULES, "manifest.json", "result.json"])
    manifest = parse_manifest(members["manifest.json"])
    assert (manifest.student, manifest.time, manifest.course_id) == ("alice", "2026-01-01T00:00:00Z", "keras-intro")
    assert set(manifest.environment) == {"python", "tensorflow", "keras", "numpy", "device"}
    assert manifest.files == {
        name: hashlib.sha256(data).hexdigest() for name, data in members.items() if name != "manifest.json"
    }
    for name in MODULES:
        assert members[name] == (EXERCISES / name).read_bytes()
    result = json.loads(members["result.json"])
    course = load_course(ROOT / "course.toml")
    public = sum(test.points for exercise in course.exercises for test in exercise.tests if not test.hidden)
    assert result["max_score"] == public and result["score"] == 0
    assert not any(test["hidden"] for exercise in result["exercises"] for test in exercise["tests"])


def test_bad_source_date_epoch_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """A SOURCE_DATE_EPOCH that is not a number is a usage error; a number sets the time."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(UsageError, match="SOURCE_DATE_EPOCH"):
        submission_time()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert submission_time() == "1970-01-01T00:00:00Z"
