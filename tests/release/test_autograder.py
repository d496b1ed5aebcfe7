"""Tests for the Gradescope autograder (grader/release/autograder.py) and its results.json
(grader/reporters/gradescope.py): the zip `grade release --gradescope` builds, run for real
on a fake /autograder tree."""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

from grader.course.config import Course, load_course
from grader.course.secret import SECRET_VARIABLE
from grader.reporters.gradescope import HIDDEN_OUTPUT, gradescope_results
from grader.results import FAILED, PASSED, ExerciseResult, GradeResult, TestResult
from tests.release_support import EXERCISES, SOLUTIONS, Built, build, fresh_venv, once, solution_leaks, texts, venv_env

TEST_FIELDS = {"name", "score", "max_score", "status", "output", "visibility"}


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory)


@pytest.fixture(scope="session")
def unpacked(tmp_path_factory: pytest.TempPathFactory, built: Built) -> Path:
    """The zip as Gradescope unpacks it into /autograder/source."""

    def make(folder: Path) -> None:
        with zipfile.ZipFile(built.gradescope_zip) as archive:
            archive.extractall(folder)
        for name in ("setup.sh", "run_autograder"):
            (folder / name).chmod(0o755)  # zipfile does not restore modes; Gradescope's unzip does

    return once(tmp_path_factory, "gradescope-source", make)


@pytest.fixture(scope="session")
def autograder_bin(tmp_path_factory: pytest.TempPathFactory, unpacked: Path) -> Path:
    """What setup.sh installs (the course package), in a fresh venv that borrows our TensorFlow."""
    return fresh_venv(tmp_path_factory, "venv-gradescope", unpacked / "course")


def run_autograder(
    unpacked: Path, autograder_bin: Path, root: Path, **extra: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """run_autograder against the fake tree `root` (its paths moved by environment variables)."""
    env = venv_env(
        autograder_bin,
        AUTOGRADER_ROOT=str(root),
        GRADER_SOURCE=str(unpacked),
        GRADER_PYTHON=str(autograder_bin / "python"),
        **extra,
    )
    # The autograder grades with the secret its zip holds, as on Gradescope, where no GRADER_SECRET is set.
    env.pop(SECRET_VARIABLE, None)
    done = subprocess.run(
        [str(unpacked / "run_autograder")], cwd=root, env=env, capture_output=True, text=True, timeout=900
    )
    results = root / "results" / "results.json"
    assert results.is_file(), done.stdout + done.stderr
    return done, json.loads(results.read_text())


def test_zip_has_gradescope_layout_and_every_test(built: Built, course: Course) -> None:
    """setup.sh and run_autograder at the root, executable; course/ with hidden suites and the full course.toml."""
    with zipfile.ZipFile(built.gradescope_zip) as archive:
        names = archive.namelist()
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
    assert names[:2] == ["setup.sh", "run_autograder"]
    assert all(modes[name] & stat.S_IXUSR for name in names[:2])
    assert {
        "course/course.toml",
        "course/pyproject.toml",
        "course/.grader/expected.json",
        "course/grader/packs/square_loss/hidden_suite.py",
    } <= set(names)
    assert not [
        name for name in names if "solutions/" in name or "__pycache__" in name or name.startswith("course/exercises/")
    ]


def test_zip_holds_hidden_tests_but_no_solution_code(unpacked: Path, course: Course) -> None:
    """The autograder carries the hidden tests and seeds (it is private) but no body of any solution region."""
    written = load_course(unpacked / "course" / "course.toml")
    assert written.max_score == course.max_score
    assert [exercise.hidden_seeds for exercise in written.exercises] == [
        exercise.hidden_seeds for exercise in course.exercises
    ]
    assert solution_leaks(texts(unpacked)) == []


def test_scripts_are_valid_bash(unpacked: Path) -> None:
    """setup.sh and run_autograder parse as bash."""
    for name in ("setup.sh", "run_autograder"):
        done = subprocess.run(["bash", "-n", str(unpacked / name)], capture_output=True, text=True)
        assert done.returncode == 0, (name, done.stderr)


def test_run_autograder_grades_a_repository_submission(
    unpacked: Path, autograder_bin: Path, tmp_path: Path, course: Course
) -> None:
    """A submitted repository with gradients.py a stub: all but acceleration's 15, hidden tests after_published with no message."""
    root = tmp_path / "autograder"
    repository = root / "submission"
    shutil.copytree(EXERCISES, repository / "exercises")
    for module in SOLUTIONS.glob("*.py"):
        if module.name != "gradients.py":
            shutil.copy(module, repository / "exercises" / module.name)
    (repository / "README.md").write_text("my work\n")
    done, results = run_autograder(unpacked, autograder_bin, root)
    assert done.returncode == 0, done.stderr
    expected_score = course.max_score - course.exercise("acceleration").max_score
    assert results["score"] == expected_score == sum(test["score"] for test in results["tests"])
    assert len(results["tests"]) == sum(len(exercise.tests) for exercise in course.exercises) and all(
        set(test) >= TEST_FIELDS for test in results["tests"]
    )
    by_name = {test["name"]: test for test in results["tests"]}
    hidden = [test for test in results["tests"] if test["visibility"] == "after_published"]
    assert {test["name"] for test in hidden} == {
        "square_loss: matches_reference_on_hidden_inputs",
        "training_step: converges_from_hidden_seeds",
    }
    assert all(test["output"] == HIDDEN_OUTPUT and test["status"] == "passed" for test in hidden)
    acceleration = [test for name, test in by_name.items() if name.startswith("acceleration:")]
    assert all(
        test["status"] == "failed" and test["score"] == 0 and "not implemented yet" in test["output"]
        for test in acceleration
    )
    assert results["extra_data"]["isolation"] == "rlimits" and results["extra_data"]["environment"]["device"]
    assert results["extra_data"]["inputs"] == ["instructor"]
    assert f"{expected_score}/{course.max_score}" in done.stdout


def test_run_autograder_writes_results_even_when_it_cannot_grade(
    unpacked: Path, autograder_bin: Path, tmp_path: Path
) -> None:
    """A course it cannot read still gives results.json: 0 points and a message saying why, never a crash."""
    root = tmp_path / "autograder"
    (root / "submission").mkdir(parents=True)
    done, results = run_autograder(
        unpacked, autograder_bin, root, GRADER_COURSE=str(tmp_path / "missing" / "course.toml")
    )
    assert done.returncode == 0
    assert results["score"] == 0 and results["tests"] == []
    assert "could not grade" in results["output"] and "course.toml" in results["output"]


def test_gradescope_results_hide_hidden_messages() -> None:
    """Hidden tests are after_published with a fixed output: their message and hint never reach students."""
    tests = (
        TestResult(name="shown", status=FAILED, score=0, max_score=3, message="got 2", hint="use the mean"),
        TestResult(
            name="hidden_one",
            status=FAILED,
            score=0,
            max_score=2,
            hidden=True,
            message="secret 0.123",
            hint="secret hint",
        ),
        TestResult(name="passed", status=PASSED, score=4, max_score=4),
    )
    result = GradeResult(
        course_id="c",
        course_version="1",
        exercises=(ExerciseResult(id="square_loss", title="t", tests=tests),),
        environment={"device": "CPU"},
        isolation="bubblewrap",
        duration_s=1.2,
    )
    data = gradescope_results(result)
    assert "secret" not in json.dumps(data)
    assert data["score"] == 4 and data["execution_time"] == 2
    assert [(test["status"], test["visibility"]) for test in data["tests"]] == [
        ("failed", "visible"),
        ("failed", "after_published"),
        ("passed", "visible"),
    ]
    assert data["tests"][0]["output"] == "got 2\nHint: use the mean"
