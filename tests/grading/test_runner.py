"""Tests for grader/grading/runner.py: the reference scores 100, the stubs 0, and grading is deterministic."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from grader.course.config import Course
from grader.results import FAILED, PASSED, GradeResult
from tests.conftest import EXERCISES, ROOT, SAMPLE, SOLUTIONS, run_grade


def comparable(result: GradeResult) -> dict:
    """The result without what legitimately varies between runs (duration, folder)."""
    data = result.to_dict()
    data.pop("duration_s")
    data.pop("submission")
    return data


def test_solutions_score_full_marks(solutions_result: GradeResult, course: Course) -> None:
    """The reference solutions pass every test, hidden ones included: full marks."""
    failures = [(e.id, t.name, t.message) for e, t in solutions_result.tests if t.status != PASSED]
    assert failures == []
    assert solutions_result.score == solutions_result.max_score == course.max_score
    assert solutions_result.return_code == 0
    assert solutions_result.isolation in ("bubblewrap", "rlimits", "portable")
    assert set(solutions_result.environment) >= {"python", "tensorflow", "keras", "numpy", "device"}


def test_stubs_score_zero_and_say_not_implemented(grade_folder: Callable[..., GradeResult], course: Course) -> None:
    """exercises/ scores 0; every test says "not implemented yet", nothing crashes."""
    result = grade_folder(EXERCISES)
    assert result.score == 0 and result.max_score == course.max_score
    assert result.internal_errors == ()
    for exercise, test in result.tests:
        assert test.status == FAILED, (exercise.id, test.name)
        assert test.message.startswith("not implemented yet"), (exercise.id, test.name, test.message)
        assert test.not_implemented, (exercise.id, test.name)
    assert result.return_code == 1


def test_same_submission_three_times_identical(
    grade_folder: Callable[..., GradeResult], sample_result: GradeResult
) -> None:
    """Three gradings of the sample submission give identical results, messages and hints included."""
    results = [comparable(sample_result)] + [comparable(grade_folder(SAMPLE)) for _ in range(2)]
    assert results[0] == results[1] == results[2]
    assert 0 < results[0]["score"] < results[0]["max_score"]


def test_sample_submission_loses_exactly_its_mistakes(sample_result: GradeResult) -> None:
    """The sample's mistakes (and its one stub) cost their exercises' tests and hint at them; the rest keeps full marks."""
    result = sample_result
    by_exercise = {exercise.id: exercise for exercise in result.exercises}
    for exercise_id in ("training_step", "acceleration", "tensors_and_variables", "keras_model"):
        assert by_exercise[exercise_id].score == by_exercise[exercise_id].max_score, exercise_id
    for exercise_id in ("square_loss", "simple_dense", "split_validation", "perceptron", "sequential_add_pop"):
        assert 0 < by_exercise[exercise_id].score < by_exercise[exercise_id].max_score, exercise_id
    # No tape.watch: every test of first_derivative is lost; layer_shapes is still the stub.
    assert by_exercise["first_derivative"].score == 0 and by_exercise["layer_shapes"].score == 0
    assert (result.score, result.max_score) == (163, 228)
    hints = " ".join(test.hint for _, test in result.tests)
    assert "sum" in hints and "activation" in hints.lower() and "permutation" in hints
    assert "watch" in hints
    messages = " ".join(test.message for exercise, test in result.tests if exercise.id == "layer_shapes")
    assert "not implemented yet" in messages


def test_cli_json_exit_codes() -> None:
    """`grade check --format json`: solutions 100 with exit 0, the stubs 0 with exit 1."""
    solutions = run_grade("check", "solutions", "--format", "json", "--exercise", "acceleration")
    assert solutions.returncode == 0, solutions.stderr
    data = json.loads(solutions.stdout)
    assert data["score"] == data["max_score"] == 15
    stubs = run_grade("check", "exercises", "--format", "json", "--exercise", "acceleration")
    assert stubs.returncode == 1, stubs.stderr
    assert json.loads(stubs.stdout)["score"] == 0


def test_cli_usage_errors_exit_2(tmp_path: Path) -> None:
    """A missing folder and an unknown exercise are usage errors (exit 2) with a clear message."""
    missing = run_grade("check", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    unknown = run_grade("check", "solutions", "--exercise", "square_los")
    assert unknown.returncode == 2 and "Did you mean 'square_loss'?" in unknown.stderr


def test_course_test_without_suite_is_a_config_error(tmp_path: Path) -> None:
    """A test listed in course.toml that no suite defines stops with exit 2, never a silent pass."""
    course = (
        (ROOT / "course.toml")
        .read_text()
        .replace(
            "returns_float32_scalar_tensor = { points = 4 }",
            "returns_float32_scalar_tensor = { points = 4 }\ninvented_test = { points = 1 }",
        )
    )
    path = tmp_path / "course.toml"
    path.write_text(course)
    completed = run_grade(
        "check", str(SOLUTIONS), "--course", str(path), "--solutions", str(SOLUTIONS), "--exercise", "acceleration"
    )
    assert completed.returncode == 2
    assert "packs/acceleration/suite.py" in completed.stderr
    assert "lists the public test acceleration.invented_test" in completed.stderr


def test_check_one_assignment_grades_its_exercises_and_scales_to_100(course: Course) -> None:
    """`grade check --assignment keras` grades that assignment's exercises only, and gives the grade out of 100."""
    completed = run_grade("check", str(SOLUTIONS), "--assignment", "keras", "--format", "json")
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    chosen = [exercise for exercise in course.exercises if exercise.id in course.assignment("keras").exercises]
    assert [exercise["id"] for exercise in result["exercises"]] == [exercise.id for exercise in chosen]
    points = sum(exercise.max_score for exercise in chosen)
    assert result["extra"]["assignments"] == [
        {"name": "keras", "title": "Keras", "points": points, "max_points": points, "grade": 100.0, "max_grade": 100}
    ]
