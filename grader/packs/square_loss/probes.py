"""Probes of `square_loss(targets, predictions)` in linear_classifier.py (run inside the sandbox)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import tensorflow as tf
from gradechild.api import Context, call_student, describe

SQUARE_LOSS = ("targets", "predictions")


def square_loss_call(
    context: Context, targets: np.ndarray, predictions: np.ndarray, form: str = "tensor"
) -> dict[str, Any]:
    """form: "tensor" (tf.constant, positional), "numpy" (the arrays themselves) or "keyword" (tensors by keyword)."""
    if form == "numpy":
        values = {"targets": targets, "predictions": predictions}
    else:
        values = {"targets": tf.constant(targets), "predictions": tf.constant(predictions)}
    loss = call_student(context, "square_loss", SQUARE_LOSS, values, keywords=form == "keyword")
    return describe(loss)


def square_loss_gradient(context: Context, targets: np.ndarray, predictions: np.ndarray) -> dict[str, Any]:
    predictions_tensor = tf.constant(predictions)
    with tf.GradientTape() as tape:
        tape.watch(predictions_tensor)
        loss = call_student(
            context, "square_loss", SQUARE_LOSS, {"targets": tf.constant(targets), "predictions": predictions_tensor}
        )
    # A loss that is no tensor (a float, a NumPy array) has no gradient: its suite fails it with a hint, and
    # the probe never lets TensorFlow raise on the student's value (that would read as the pack's error).
    if not tf.is_tensor(loss):
        return {"loss": describe(loss), "gradient": describe(None)}
    try:
        gradient = tape.gradient(loss, predictions_tensor)
    except (TypeError, ValueError, AttributeError, tf.errors.OpError) as error:
        return {
            "loss": describe(loss),
            "gradient": describe(None),
            "gradient_error": f"{type(error).__name__}: {error}",
        }
    return {"loss": describe(loss), "gradient": describe(gradient)}


PROBES: dict[str, Callable[..., Any]] = {"call": square_loss_call, "gradient": square_loss_gradient}
