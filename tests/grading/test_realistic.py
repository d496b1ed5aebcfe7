"""Tests for the grader on the realistic corpus: submissions written the way students write them
(most modelled on public course repositories, and the book's chapter-3 cells pasted as scripts),
each graded on the exercises of the modules it holds, each losing exactly the tests that
tests/realistic/expected.toml lists for it, with the substring given there in each message or hint.

The corpus is graded one submission per test, against the session's one Reference (see
tests/conftest.py), and only on the exercises of the modules the submission holds.
"""

from __future__ import annotations

import shutil
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from grader.course.config import Course
from grader.results import PASSED, GradeResult
from tests.conftest import ROOT

CORPUS = ROOT / "tests" / "realistic"
EXPECTED: dict[str, dict[str, Any]] = tomllib.loads((CORPUS / "expected.toml").read_text(encoding="utf-8"))[
    "submissions"
]
WRITTEN_FOR_THE_CORPUS = "written for the corpus"


def _folders() -> list[str]:
    return sorted(path.name for path in CORPUS.iterdir() if path.is_dir() and path.name != "__pycache__")


def _exercise_ids(course: Course, folder: Path) -> list[str]:
    """The exercises of the course modules the folder holds, in course order."""
    return [exercise.id for exercise in course.exercises if (folder / f"{exercise.module}.py").is_file()]


def _verdicts(name: str) -> dict[str, dict[str, str]]:
    return {key: value for key, value in EXPECTED[name].items() if key != "source"}


def test_corpus_has_30_documented_submissions_with_complete_verdicts(course: Course) -> None:
    """Every folder has a verdict for each exercise of its modules, naming real tests, and a source header."""
    assert len(_folders()) >= 30
    assert _folders() == sorted(EXPECTED), {
        "folders without a verdict": set(_folders()) - set(EXPECTED),
        "verdicts without a folder": set(EXPECTED) - set(_folders()),
    }
    modules = {f"{exercise.module}.py" for exercise in course.exercises}
    for name in _folders():
        folder = CORPUS / name
        files = {path.name for path in folder.iterdir() if path.name != "__pycache__"}
        assert files and files <= modules, (name, files - modules)
        for file_name in files:
            assert (folder / file_name).read_text(encoding="utf-8").startswith("# Source: "), (name, file_name)
        assert EXPECTED[name].get("source"), name
        verdicts = _verdicts(name)
        assert sorted(verdicts) == sorted(_exercise_ids(course, folder)), name
        for exercise_id, lost in verdicts.items():
            known = {test.name for test in course.exercise(exercise_id).tests}
            assert set(lost) <= known, (name, exercise_id, set(lost) - known)
            assert all(isinstance(text, str) and text.strip() for text in lost.values()), (name, exercise_id)


def test_corpus_mixes_public_sources_correct_code_and_mistakes_for_every_exercise(course: Course) -> None:
    """Most submissions come from public code or the book; each exercise has correct and buggy submissions."""
    public = [name for name in EXPECTED if not EXPECTED[name]["source"].startswith(WRITTEN_FOR_THE_CORPUS)]
    assert len(public) * 2 > len(EXPECTED), public
    assert any(name.startswith("book2_") for name in EXPECTED) and any(name.startswith("book3_") for name in EXPECTED)
    for exercise in course.exercises:
        verdicts = [_verdicts(name)[exercise.id] for name in EXPECTED if exercise.id in _verdicts(name)]
        assert any(lost == {} for lost in verdicts), exercise.id
        assert any(lost != {} for lost in verdicts), exercise.id


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_submission_gets_its_expected_verdict(
    name: str, tmp_path: Path, course: Course, grade_folder: Callable[..., GradeResult]
) -> None:
    """The submission loses exactly its expected tests, each with its expected message or hint, and every other point."""
    folder = tmp_path / name
    shutil.copytree(CORPUS / name, folder, ignore=shutil.ignore_patterns("__pycache__"))
    verdicts = _verdicts(name)
    result = grade_folder(folder, list(verdicts))
    assert result.internal_errors == (), result.internal_errors
    assert sorted(exercise.id for exercise in result.exercises) == sorted(verdicts)
    lost = {f"{exercise.id}::{test.name}": test for exercise, test in result.tests if test.status != PASSED}
    expected = {
        f"{exercise_id}::{test_name}": text
        for exercise_id, tests in verdicts.items()
        for test_name, text in tests.items()
    }
    assert sorted(lost) == sorted(expected), {
        "lost but should not": {
            key: f"{lost[key].message} | hint: {lost[key].hint}" for key in sorted(set(lost) - set(expected))
        },
        "should lose but did not": sorted(set(expected) - set(lost)),
    }
    assert result.score == result.max_score - sum(test.max_score for test in lost.values())
    for key, text in expected.items():
        said = f"{lost[key].message}\n{lost[key].hint}"
        assert text.lower() in said.lower(), (key, text, said)
