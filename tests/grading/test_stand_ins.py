"""Tests of stand-ins that forgive and never punish (issue 23): the student's own collaborators first,
correct ones only for a test that failed with them, a message naming the wrong one, and evidence of
how a step was computed that does not depend on what was traced when."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import tensorflow as tf

from grader.course.config import Course
from grader.course.packs import read_stand_ins
from grader.errors import ConfigError
from grader.grading.pool_retry import grade_pooled
from grader.grading.reference import Reference
from grader.results import PASSED, GradeResult, Inputs
from grader.sandbox.child.api import usage_when_run_eagerly
from grader.sandbox.child.standins import stand_in_for
from grader.sandbox.warm_pool import WarmPool
from tests.conftest import counted_inputs, submission_with

MODULE = """
import tensorflow as tf


def model(inputs, W, b):
    return tf.matmul(inputs, W) + b


def square_loss(targets, predictions):
    {loss}


def training_step(inputs, targets, W, b, learning_rate=0.1):
    with tf.GradientTape() as tape:
        loss = square_loss(targets, model(inputs, W, b))
    grad_W, grad_b = tape.gradient(loss, [W, b])
    W.{update}(learning_rate * grad_W)
    b.{update}(learning_rate * grad_b)
    return loss
"""
SUMMED = "return tf.reduce_sum(tf.square(targets - predictions))"


def _step_tests(result: GradeResult) -> dict[str, tuple[str, str]]:
    return {test.name: (test.status, test.message) for exercise, test in result.tests if exercise.id == "training_step"}


def test_wrong_square_loss_is_replaced_and_named_while_training_step_earns_every_point(
    tmp_path: Path, grade_folder: Callable[..., GradeResult]
) -> None:
    """A summed square_loss loses its own points; training_step passes every test, each saying a correct one graded it."""
    module = MODULE.format(loss=SUMMED, update="assign_sub")
    result = grade_folder(submission_with(tmp_path, {"linear_classifier.py": module}), ["training_step"])
    tests = _step_tests(result)
    assert all(status == PASSED for status, _ in tests.values()), tests
    # The tests a summed loss fails with the student's own functions; the others pass as they are, with no note.
    for name in ("returns_loss_before_update", "one_step_matches_gradient_descent", "converges_on_point_clouds"):
        assert "your square_loss was wrong" in tests[name][1], tests[name]
        assert "so a correct one was used to grade training_step" in tests[name][1], tests[name]
    assert tests["updates_variables_in_place"] == (PASSED, ""), tests


def test_square_loss_stub_is_named_as_raising(tmp_path: Path, grade_folder: Callable[..., GradeResult]) -> None:
    """A square_loss still raising NotImplementedError does not cost training_step a point, and the note says it raised."""
    module = MODULE.format(loss='raise NotImplementedError("square_loss")', update="assign_sub")
    result = grade_folder(submission_with(tmp_path, {"linear_classifier.py": module}), ["training_step"])
    tests = _step_tests(result)
    assert all(status == PASSED for status, _ in tests.values()), tests
    assert all("your square_loss was wrong (it raised NotImplementedError" in message for _, message in tests.values())


def test_forgiven_on_instructor_inputs_passes_and_shows_no_value(
    tmp_path: Path, course: Course, reference: Reference, warm_pool: WarmPool
) -> None:
    """The grading that counts (instructor inputs, from the course secret) forgives too, and its note holds no number."""
    module = MODULE.format(loss=SUMMED, update="assign_sub")
    result = grade_pooled(
        pool=warm_pool,
        course=course,
        submission_dir=submission_with(tmp_path, {"linear_classifier.py": module}),
        reference=reference,
        exercise_ids=["training_step"],
        inputs=counted_inputs(),
    )
    tests = [test for _, test in result.tests]
    assert {test.inputs for test in tests} == {Inputs.INSTRUCTOR}
    assert all(test.status == PASSED for test in tests), [(test.name, test.message) for test in tests]
    notes = [test.message for test in tests if test.message]
    assert notes and all("your square_loss was wrong" in note for note in notes), notes
    assert not any(character.isdigit() for note in notes for character in note), notes


def test_correct_submission_is_graded_once_with_its_own_functions(solutions_result: GradeResult) -> None:
    """The reference passes training_step with no stand-in and no note: the second grading happens only on a failure."""
    tests = _step_tests(solutions_result)
    assert tests and all(status == PASSED and message == "" for status, message in tests.values()), tests


def test_step_wrong_with_a_wrong_loss_keeps_its_own_mistake_and_names_the_loss(
    tmp_path: Path, grade_folder: Callable[..., GradeResult]
) -> None:
    """A sign error with a summed loss: the step loses its points with the sign hint, and the note names square_loss."""
    module = MODULE.format(loss=SUMMED, update="assign_add")
    result = grade_folder(submission_with(tmp_path, {"linear_classifier.py": module}), ["training_step"])
    failed = {
        test.name: f"{test.message} {test.hint}"
        for exercise, test in result.tests
        if exercise.id == "training_step" and test.status != PASSED
    }
    assert "one_step_matches_gradient_descent" in failed, failed
    said = failed["one_step_matches_gradient_descent"]
    assert "sign" in said and "your square_loss was wrong" in said, said


def test_training_step_pack_declares_its_stand_ins(course: Course) -> None:
    """The grader reads STAND_INS from the training_step pack's probes.py, as text."""
    assert course.exercise("training_step").pack.stand_ins == ("square_loss", "model")
    assert course.exercise("square_loss").pack.stand_ins == ()


def test_stand_ins_that_are_not_a_tuple_of_names_are_a_config_error(tmp_path: Path) -> None:
    """STAND_INS = "model" (a string, not a tuple) names the file, the line and the form it must take."""
    probes = tmp_path / "probes.py"
    probes.write_text('STAND_INS = "model"\nPROBES = {}\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"line 1: STAND_INS must be a tuple literal"):
        read_stand_ins(probes)


def test_stand_in_gives_a_defaulted_call_to_the_students_own_function() -> None:
    """model(inputs) on a model(inputs, W=None, b=None) means what the student's function makes of it."""
    calls: list[str] = []

    def own(inputs, W=None, b=None):  # type: ignore[no-untyped-def]
        calls.append("own")
        return inputs if W is None else inputs * 2

    findings: list[str] = []
    stand_in, _ = stand_in_for(own, ("inputs", "W", "b"), lambda inputs, W, b: inputs * 3, "model", findings)
    assert stand_in is not None
    assert stand_in(1.0) == 1.0 and calls == ["own"]
    assert stand_in(1.0, 1.0, 0.0) == 3.0
    assert findings == ["your model was wrong (it returned other values than a correct one on the same arguments)"]


def test_tape_of_a_step_traced_earlier_is_seen() -> None:
    """A jit-compiled tf.function traced before the probe shows its tape when run again for evidence."""

    @tf.function(jit_compile=True)
    def step(W: tf.Variable) -> tf.Tensor:
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(W * W)
        W.assign_sub(0.1 * tape.gradient(loss, W))
        return loss

    W = tf.Variable([1.0, 2.0])
    step(W)
    usage = usage_when_run_eagerly(lambda: step(W))
    assert usage is not None and usage["tape_gradients"] == 1 and usage["variables_created"] == 0
    assert not tf.config.functions_run_eagerly()


def test_evidence_of_code_that_runs_only_as_a_graph_is_none() -> None:
    """Code that fails when run eagerly gives no evidence (its real call's usage stands), and eager mode is restored."""

    def graph_only() -> None:
        raise RuntimeError("only in a graph")

    assert usage_when_run_eagerly(graph_only) is None
    assert not tf.config.functions_run_eagerly()
