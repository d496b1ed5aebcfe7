"""Probes of `training_step(inputs, targets, W, b, learning_rate)` in linear_classifier.py (run
inside the sandbox): graded with the student's own `model` and `square_loss` first, and, when a test
fails with those, again with correct ones standing in (`STAND_INS`), so that a wrong `square_loss`
costs only its own points and a stand-in never costs any.

How the step was computed (a tape, no optimizer, no new Variable) is judged from the real call and
from the same step run once more on copies of the Variables with every `tf.function` running its
Python (`usage_when_run_eagerly`): a helper whose graph was traced in an earlier call shows its
tape there too."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
import numpy as np
import tensorflow as tf
from gradechild.api import (
    Binding,
    Collaborator,
    Context,
    collaborators,
    describe,
    merged_usage,
    recording_usage,
    student_function,
    usage_when_run_eagerly,
)

SQUARE_LOSS = ("targets", "predictions")
MODEL = ("inputs", "W", "b")
TRAINING_STEP = ("inputs", "targets", "W", "b", "learning_rate")
# The collaborators a correct one may stand in for, when a test fails with the student's own (read by the parent).
STAND_INS = ("square_loss", "model")


def _mean_squared_error(targets: tf.Tensor, predictions: tf.Tensor) -> tf.Tensor:
    # The functional form, not a `keras.losses.MeanSquaredError()` built on every step: the same W, b and losses
    # bit for bit, in about a third less time (benchmarks/stand_in_loss.py).
    return tf.reduce_mean(keras.losses.mean_squared_error(targets, predictions))


def _linear_model(inputs: tf.Tensor, W: tf.Variable, b: tf.Variable) -> tf.Tensor:
    return tf.matmul(inputs, W) + b


COLLABORATORS: dict[str, Collaborator] = {
    "square_loss": (SQUARE_LOSS, _mean_squared_error),
    "model": (MODEL, _linear_model),
}


def _training_step(context: Context) -> tuple[Callable[..., Any], list[str]]:
    """The student's training_step, with the student's own `square_loss` and `model`, or correct ones standing
    in when the parent asked for them. Returns the step and notes on the student's functions that had to be kept."""
    notes = collaborators(context, COLLABORATORS)
    return student_function(context, "training_step"), notes


def _evidence(
    binding: Binding, step: Callable[..., Any], values: dict[str, Any], W0: np.ndarray, b0: np.ndarray
) -> dict[str, int] | None:
    """The step's usage when run once more, eagerly, from W0 and b0 on Variables of its own (after the real
    call, which the evidence run never changes)."""
    copies = {**values, "W": tf.Variable(W0), "b": tf.Variable(b0)}
    return usage_when_run_eagerly(lambda: binding.call(step, copies))


def training_step_one_step(
    context: Context,
    inputs: np.ndarray,
    targets: np.ndarray,
    W0: np.ndarray,
    b0: np.ndarray,
    learning_rate: float,
    use_tf_function: bool = False,
    keywords: bool = False,
) -> dict[str, Any]:
    """One step; `keywords` passes every argument by keyword, with the student's own parameter names."""
    step, notes = _training_step(context)
    binding = Binding.of(step, TRAINING_STEP, "training_step")
    if use_tf_function:
        step = tf.function(step)
    W = tf.Variable(W0)
    b = tf.Variable(b0)
    created: list[str] = []

    def record_creation(next_creator: Callable[..., Any], **kwargs: Any) -> Any:
        created.append(str(kwargs.get("name") or "variable"))
        return next_creator(**kwargs)

    values = {
        "inputs": tf.constant(inputs),
        "targets": tf.constant(targets),
        "W": W,
        "b": b,
        "learning_rate": learning_rate,
    }
    with tf.variable_creator_scope(record_creation), recording_usage() as usage:
        loss = binding.call(step, values, keywords=keywords)
    evidence = _evidence(binding, step, values, W0, b0)
    return {
        "loss": describe(loss),
        "W": W.numpy(),
        "b": b.numpy(),
        "variables_created": max(len(created), (evidence or {}).get("variables_created", 0)),
        "usage": merged_usage(usage, evidence),
        "notes": notes,
    }


def training_step_train(
    context: Context,
    inputs: np.ndarray,
    targets: np.ndarray,
    W0: np.ndarray,
    b0: np.ndarray,
    learning_rate: float,
    steps: int,
) -> dict[str, Any]:
    step, notes = _training_step(context)
    binding = Binding.of(step, TRAINING_STEP, "training_step")
    W = tf.Variable(W0)
    b = tf.Variable(b0)
    values = {
        "inputs": tf.constant(inputs),
        "targets": tf.constant(targets),
        "W": W,
        "b": b,
        "learning_rate": learning_rate,
    }
    losses = []
    with recording_usage() as usage:
        for _ in range(steps):
            loss = binding.call(step, values)
            losses.append(_loss_number(loss))
    evidence = _evidence(binding, step, values, W0, b0)
    return {
        "losses": np.array(losses, dtype=np.float64),
        "W": W.numpy(),
        "b": b.numpy(),
        "usage": merged_usage(usage, evidence),
        "notes": notes,
    }


def _loss_number(loss: Any) -> float:
    """The loss as a float, NaN when the step returned nothing numeric (the suites grade the return value elsewhere)."""
    try:
        return float(np.asarray(loss, dtype=np.float64).reshape(-1)[0])
    except (TypeError, ValueError, IndexError):
        return float("nan")


PROBES: dict[str, Callable[..., Any]] = {"one_step": training_step_one_step, "train": training_step_train}
