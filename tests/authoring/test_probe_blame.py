"""Tests of blame for authors: an exception of a pack's own probe, after the student's code returned, is the pack's
(exit 3, grader/sandbox/failures.py), and an error a probe raises for the student (gradechild.api.StudentError) is
the student's; the chapter's square_loss probe never lets tape.gradient raise on a student's value; a missing
`functions = [...]` stops the course's load with the line to add (grader/course/contract.py)."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from grader.course.config import load_course
from grader.errors import ConfigError, ExitCode
from grader.results import ERROR, FAILED, GradeResult
from tests.authoring_support import scaffolded_course
from tests.conftest import SOLUTIONS, run_grade, submission_with


def test_an_exception_of_the_probe_is_the_packs(tmp_path: Path) -> None:
    """A probe that fails after the student's code returned: an internal error (exit 3, every test an error, not a
    0 of the student's) whose message names the pack's probes.py and line and tells to tell the instructor."""
    scaffolded_course(tmp_path)
    probes = tmp_path / "packs" / "scale" / "probes.py"
    probes.write_text(
        probes.read_text().replace(
            '{"x": tf.constant(x, dtype=tf.float32)}))', '{"x": tf.constant(x, dtype=tf.float32)}))["oops"]'
        )
    )
    line = next(number for number, text in enumerate(probes.read_text().splitlines(), 1) if '["oops"]' in text)
    completed = run_grade("check", "solutions", "--exercise", "scale", "--format", "json", cwd=tmp_path)
    assert completed.returncode == ExitCode.INTERNAL, completed.stderr[-2000:]
    report = json.loads(completed.stdout)
    tests = [test for exercise in report["exercises"] for test in exercise["tests"]]
    messages = [test["message"] for test in tests]
    assert tests and all(test["status"] == ERROR for test in tests), tests
    assert all("the exercise's probe raised KeyError: 'oops'" in message for message in messages), messages
    assert all(f"scale/probes.py, line {line}" in message and "tell your instructor" in message for message in messages)
    assert not any("your code raised" in message for message in messages)
    assert len(report["internal_errors"]) == len(tests)

    # On the instructor's inputs the student reads where, never what the probe said (it may quote those inputs).
    completed = run_grade(
        "check", "solutions", "--exercise", "scale", "--inputs", "instructor", "--format", "json", cwd=tmp_path
    )
    assert completed.returncode == ExitCode.INTERNAL, completed.stderr[-2000:]
    tests = [test for exercise in json.loads(completed.stdout)["exercises"] for test in exercise["tests"]]
    assert tests and all(test["status"] == ERROR for test in tests), tests
    for test in tests:
        assert f"scale/probes.py, line {line}" in test["message"] and "tell your instructor" in test["message"], test
        assert "KeyError" not in test["message"] and "KeyError: 'oops'" in test["detail"], test


def test_an_error_a_probe_raises_for_the_student_is_the_students(
    tmp_path: Path, grade_folder: Callable[..., GradeResult]
) -> None:
    """split_validation's probe raises StudentError on a result that is not two pairs: every test fails with the
    student's message and loses its points, and there is no internal error (not exit 3)."""
    split = (SOLUTIONS / "validation.py").read_text()
    not_pairs = split.replace("return (train_inputs, train_targets), (val_inputs, val_targets)", "return train_inputs")
    assert not_pairs != split
    result = grade_folder(submission_with(tmp_path, {"validation.py": not_pairs}), ["split_validation"])
    assert not result.internal_errors, result.internal_errors
    assert result.tests and all(test.status == FAILED and test.score == 0 for _, test in result.tests)
    for _, test in result.tests:
        assert (
            "split_validation must return ((train_inputs, train_targets), (val_inputs, val_targets))" in (test.message)
            and "probe raised" not in test.message
        ), test.message


def test_student_object_blames_the_student_and_keeps_the_students_own_traceback(tmp_path: Path) -> None:
    """A Keras error on the student's model becomes a StudentError naming it; an error of the student's own code
    passes through as it is (the worker then names the student's file and line)."""
    import keras
    import numpy as np

    from grader.sandbox.child.api import Context, StudentError, student_object

    (tmp_path / "keras_models.py").write_text("def broken(x):\n    raise ValueError('mine')\n")
    spec = importlib.util.spec_from_file_location("keras_models", tmp_path / "keras_models.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    context = Context(module=module, exercise="keras_model")
    three_features = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    with pytest.raises(StudentError, match="the model build_model returned raised ValueError"):
        with student_object(context, "the model build_model returned"):
            three_features(np.zeros((4, 2), dtype=np.float32))
    with pytest.raises(ValueError, match="mine"):
        with student_object(context, "the model build_model returned"):
            module.broken(1)


def test_square_loss_returning_a_float_fails_with_the_suites_hint(
    tmp_path: Path, grade_folder: Callable[..., GradeResult]
) -> None:
    """A square_loss that returns a Python float: the gradient test fails with its hint (no gradient), not with an
    exception of the probe's tape.gradient."""
    source = (SOLUTIONS / "linear_classifier.py").read_text()
    wrong = source.replace(
        "return tf.reduce_mean(per_sample_losses)", "return float(tf.reduce_mean(per_sample_losses))"
    )
    assert wrong != source
    result = grade_folder(submission_with(tmp_path, {"linear_classifier.py": wrong}), ["square_loss"])
    gradient = next(test for _, test in result.tests if test.name == "gradient_matches_reference")
    assert gradient.score == 0
    assert "GradientTape found no gradient" in gradient.message and "probe raised" not in gradient.message


def test_a_missing_functions_line_stops_the_load(tmp_path: Path) -> None:
    """softmax_xent's probes call softmax_cross_entropy: without `functions = [...]` the load says what to add."""
    course = scaffolded_course(tmp_path, "softmax_xent", ("softmax_cross_entropy",))
    course.write_text(course.read_text().replace('functions = ["softmax_cross_entropy"]\n', ""))
    with pytest.raises(
        ConfigError, match=r'add `functions = \["softmax_cross_entropy"\]` to \[exercises.softmax_xent\]'
    ):
        load_course(course)
