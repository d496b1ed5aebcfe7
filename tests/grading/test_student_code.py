"""Correct code written the way students write it earns every point; the grader adapts to the student."""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from grader.results import PASSED, GradeResult
from grader.sandbox.child.calling import Binding, ContractMismatch, substitute
from tests.conftest import scores, submission_with

SQUARE_LOSS = ("targets", "predictions")
TRAINING_STEP = ("inputs", "targets", "W", "b", "learning_rate")

# The notes' linear classifier pasted as a script: data and unseeded weights made at import,
# a training loop that prints, the student's own parameter names and keyword calls between
# the student's own functions.
SCRIPT_LINEAR_CLASSIFIER = textwrap.dedent(
    """
    import keras
    import numpy as np
    import tensorflow as tf

    negative_samples = np.random.multivariate_normal(mean=[0, 3], cov=[[1, 0.5], [0.5, 1]], size=200)
    positive_samples = np.random.multivariate_normal(mean=[3, 0], cov=[[1, 0.5], [0.5, 1]], size=200)
    inputs = np.vstack((negative_samples, positive_samples)).astype(np.float32)
    targets = np.vstack((np.zeros((200, 1), dtype="float32"), np.ones((200, 1), dtype="float32")))
    W = tf.Variable(initial_value=tf.random.uniform(shape=(2, 1)))
    b = tf.Variable(initial_value=tf.zeros(shape=(1,)))
    noise = keras.initializers.RandomNormal()(shape=(2, 2))


    def model(x, weights, bias):
        return tf.matmul(x, weights) + bias


    def square_loss(y_true, y_pred):
        return tf.reduce_mean(tf.square(y_true - y_pred))


    def training_step(inputs, targets, W, b, learning_rate=0.1):
        with tf.GradientTape() as tape:
            predictions = model(x=inputs, weights=W, bias=b)
            loss = square_loss(y_true=targets, y_pred=predictions)
        grad_loss_wrt_W, grad_loss_wrt_b = tape.gradient(loss, [W, b])
        W.assign_sub(grad_loss_wrt_W * learning_rate)
        b.assign_sub(grad_loss_wrt_b * learning_rate)
        return loss


    for step in range(20):
        loss = training_step(inputs, targets, W, b, learning_rate=0.02)
        print(f"Loss at step {step}: {loss:.4f}")
    """
)


def test_binding_maps_the_students_own_names_and_order() -> None:
    """Contract values reach the student's parameters by name or alias, then by position, keyword-only ones by keyword."""

    def square_loss(y_pred, y_true, reduction="mean"):  # type: ignore[no-untyped-def]
        return y_pred, y_true, reduction

    binding = Binding.of(square_loss, SQUARE_LOSS, "square_loss")
    assert binding.arguments({"targets": "T", "predictions": "P"}) == (["P", "T"], {})
    assert binding.arguments({"targets": "T", "predictions": "P"}, keywords=True) == (
        [],
        {"y_pred": "P", "y_true": "T"},
    )

    def training_step(x, y, w, bias, *, lr=0.1):  # type: ignore[no-untyped-def]
        return x, y, w, bias, lr

    values = {"inputs": 1, "targets": 2, "W": 3, "b": 4, "learning_rate": 5}
    assert Binding.of(training_step, TRAINING_STEP, "training_step").call(training_step, values) == (1, 2, 3, 4, 5)


def test_binding_names_what_the_contract_cannot_pass() -> None:
    """A required parameter the contract does not pass, or a missing one, is a ContractMismatch that says what to change."""

    def needs_axis(targets, predictions, axis):  # type: ignore[no-untyped-def]
        return axis

    with pytest.raises(ContractMismatch, match="give axis a default value"):
        Binding.of(needs_axis, SQUARE_LOSS, "square_loss")

    def no_learning_rate(inputs, targets, W, b):  # type: ignore[no-untyped-def]
        return None

    with pytest.raises(ContractMismatch, match="add the parameter learning_rate"):
        Binding.of(no_learning_rate, TRAINING_STEP, "training_step")


def test_substitute_accepts_every_call_the_students_definition_accepts() -> None:
    """The correct stand-in reads positional, keyword and mixed calls through the student's own signature."""

    def own(y_true, y_pred, sample_weight=None):  # type: ignore[no-untyped-def]
        raise AssertionError("the student's own function must not run")

    stand_in, note = substitute(own, SQUARE_LOSS, lambda targets, predictions: (targets, predictions), "square_loss")
    assert note == "" and stand_in is not None
    assert stand_in("T", "P") == ("T", "P")
    assert stand_in(y_pred="P", y_true="T") == ("T", "P")
    assert stand_in("T", y_pred="P", sample_weight=2.0) == ("T", "P")
    with pytest.raises(TypeError):
        stand_in(targets="T", predictions="P")  # not a call the student's own definition accepts

    def strange(values):  # type: ignore[no-untyped-def]
        return values

    kept, note = substitute(strange, SQUARE_LOSS, lambda targets, predictions: 0, "square_loss")
    assert kept is None and "your own square_loss was used" in note
    assert str(inspect.signature(strange)) in note


def test_script_with_unseeded_random_ops_and_keyword_calls_gets_full_marks(
    tmp_path: Path, grade_folder: Callable[..., GradeResult]
) -> None:
    """The notes' classifier pasted as a script (unseeded ops at import, prints, keyword calls) earns 50/50, identically twice."""
    folder = submission_with(tmp_path, {"linear_classifier.py": SCRIPT_LINEAR_CLASSIFIER})
    first = grade_folder(folder, ["square_loss", "training_step"])
    second = grade_folder(folder, ["square_loss", "training_step"])
    assert first.internal_errors == ()
    failed = {f"{exercise.id}::{test.name}": test.message for exercise, test in first.tests if test.status != PASSED}
    assert failed == {}
    assert scores(first) == scores(second)
    assert sum(scores(first).values()) == 50


def test_students_own_function_stands_when_no_substitute_fits(
    tmp_path: Path, grade_folder: Callable[..., GradeResult]
) -> None:
    """A square_loss with a required extra parameter is kept inside training_step, and a failure there says so."""
    module = textwrap.dedent(
        """
        import tensorflow as tf


        def model(inputs, W, b):
            return tf.matmul(inputs, W) + b


        def square_loss(targets, predictions, scale):
            return scale * tf.reduce_sum(tf.square(targets - predictions))


        def training_step(inputs, targets, W, b, learning_rate=0.1):
            with tf.GradientTape() as tape:
                loss = square_loss(targets, model(inputs, W, b), 1.0)
            gradient_W, gradient_b = tape.gradient(loss, [W, b])
            W.assign_sub(learning_rate * gradient_W)
            b.assign_sub(learning_rate * gradient_b)
            return loss
        """
    )
    result = grade_folder(submission_with(tmp_path, {"linear_classifier.py": module}), ["training_step"])
    messages = [test.message for _, test in result.tests if test.status != PASSED]
    assert messages, "a summed loss inside training_step must lose points"
    assert any(
        "your own square_loss was used" in message and "give scale a default value" in message for message in messages
    )
