"""Probes of `training_step(inputs, targets, W, b, learning_rate)` in linear_classifier.py (run
inside the sandbox): graded alone, with the course's own model and a library mean squared error
standing in for the student's `model` and `square_loss`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
import numpy as np
import tensorflow as tf
from gradechild.api import Binding, Context, describe, recording_usage, student_function, substitute

SQUARE_LOSS = ("targets", "predictions")
MODEL = ("inputs", "W", "b")
TRAINING_STEP = ("inputs", "targets", "W", "b", "learning_rate")


def _mean_squared_error(targets: tf.Tensor, predictions: tf.Tensor) -> tf.Tensor:
    return keras.losses.MeanSquaredError()(targets, predictions)


def _linear_model(inputs: tf.Tensor, W: tf.Variable, b: tf.Variable) -> tf.Tensor:
    return tf.matmul(inputs, W) + b


def _training_step(context: Context) -> tuple[Callable[..., Any], list[str]]:
    """The student's training_step, with correct `square_loss` and `model` standing in for the
    student's own; each stand-in accepts the calls the student's own definition accepts.
    Returns the step and notes on the student's functions that had to be kept."""
    assert context.module is not None
    notes: list[str] = []
    # The student's own definitions, as the module defined them (a repeated probe call finds the stand-ins).
    originals = context.originals
    for name, contract, correct in (("square_loss", SQUARE_LOSS, _mean_squared_error), ("model", MODEL, _linear_model)):
        own = originals.setdefault(name, getattr(context.module, name, None))
        stand_in, note = substitute(own, contract, correct, name)
        if stand_in is None:
            notes.append(note)
            setattr(context.module, name, own)
        else:
            setattr(context.module, name, stand_in)
    step = student_function(context, "training_step")
    python_function = getattr(step, "python_function", None)
    if callable(python_function):
        # A student's own @tf.function: a fresh one per probe call traces again, so that the
        # tapes and optimizers its graph uses are seen by recording_usage (a cached trace runs none).
        jit_compile = getattr(step, "_jit_compile", None)
        return tf.function(python_function, jit_compile=jit_compile), notes
    return step, notes


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
    return {
        "loss": describe(loss),
        "W": W.numpy(),
        "b": b.numpy(),
        "variables_created": len(created),
        "usage": usage,
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
    return {
        "losses": np.array(losses, dtype=np.float64),
        "W": W.numpy(),
        "b": b.numpy(),
        "usage": usage,
        "notes": notes,
    }


def _loss_number(loss: Any) -> float:
    """The loss as a float, NaN when the step returned nothing numeric (the suites grade the return value elsewhere)."""
    try:
        return float(np.asarray(loss, dtype=np.float64).reshape(-1)[0])
    except (TypeError, ValueError, IndexError):
        return float("nan")


PROBES: dict[str, Callable[..., Any]] = {"one_step": training_step_one_step, "train": training_step_train}
