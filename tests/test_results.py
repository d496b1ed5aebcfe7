"""Tests for grader/results.py: scores, exit codes, the students' view and the JSON round trip."""

from __future__ import annotations

import dataclasses

import pytest

from grader.results import FAILED, PASSED, ExerciseResult, GradeResult, Inputs, TestResult
from tests.factories import sample_result


def test_scores_are_sums_of_test_scores() -> None:
    """Exercise and total scores are computed from the tests, never stored twice."""
    result = sample_result()
    assert [e.score for e in result.exercises] == [3, 3]
    assert (result.score, result.max_score) == (6, 15)


def test_exit_codes_have_one_meaning_each() -> None:
    """0 all passed, 1 some failed, 3 internal error or nothing collected."""
    assert sample_result().return_code == 1
    assert sample_result(internal_error=True).return_code == 3
    passing = GradeResult(
        course_id="c",
        course_version="1",
        environment={},
        isolation="rlimits",
        exercises=(
            ExerciseResult(id="e", title="e", tests=(TestResult(name="t", status=PASSED, score=1, max_score=1),)),
        ),
    )
    assert passing.return_code == 0
    empty = dataclasses.replace(passing, exercises=())
    assert empty.return_code == 3


def test_a_test_cannot_score_what_its_status_denies() -> None:
    """A failed test with points, or a passed test without them, cannot be built."""
    with pytest.raises(ValueError):
        TestResult(name="t", status=FAILED, score=2, max_score=2)
    with pytest.raises(ValueError):
        TestResult(name="t", status=PASSED, score=0, max_score=2)
    with pytest.raises(ValueError):
        TestResult(name="t", status="ok", score=0, max_score=2)


def test_students_never_see_hidden_messages() -> None:
    """The students' view keeps hidden tests' points but drops their names, messages and hints."""
    view = sample_result().for_students()
    text = str(view.to_dict())
    assert "secret" not in text and "hidden_values" not in text
    assert view.score == sample_result().score and view.max_score == sample_result().max_score


def test_json_round_trip_is_exact() -> None:
    """from_dict(to_dict(r)) == r, and the JSON has DESIGN.md's keys."""
    result = sample_result(internal_error=True)
    data = result.to_dict()
    assert {"schema_version", "score", "max_score", "exercises", "environment", "isolation"} <= set(data)
    assert set(data["exercises"][0]) >= {"id", "score", "max_score", "tests"}
    assert set(data["exercises"][0]["tests"][0]) >= {"name", "status", "score", "max_score", "message"}
    assert GradeResult.from_dict(data) == result


def test_unknown_schema_version_is_refused() -> None:
    """A result from another schema version is not silently read."""
    data = sample_result().to_dict()
    data["schema_version"] = 99
    with pytest.raises(ValueError, match="schema_version"):
        GradeResult.from_dict(data)


def test_a_result_of_version_2_must_say_which_inputs_each_test_ran_on() -> None:
    """A v2 test without `inputs` is refused (never read as public); a v1 test ran on public inputs."""
    data = sample_result().to_dict()
    del data["exercises"][0]["tests"][0]["inputs"]
    with pytest.raises(KeyError):
        GradeResult.from_dict(data)
    data["schema_version"] = 1
    assert GradeResult.from_dict(data).exercises[0].tests[0].inputs == Inputs.PUBLIC
