"""Probes of `dense_forward(inputs, W, b, activation=None)` and `collapse_linear_layers(W1, b1, W2, b2)` in
perceptron.py (run inside the sandbox)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
import numpy as np
import tensorflow as tf
from gradechild.api import Context, call_student, describe

DENSE_FORWARD = ("inputs", "W", "b", "activation")
COLLAPSE = ("W1", "b1", "W2", "b2")

ACTIVATIONS: dict[str, Callable[[tf.Tensor], tf.Tensor]] = {
    "relu": tf.nn.relu,
    "sigmoid": tf.math.sigmoid,
    "tanh": tf.math.tanh,
    "keras.relu": keras.activations.relu,
}


def dense_forward_call(
    context: Context,
    inputs: np.ndarray,
    W: np.ndarray,  # noqa: N803 - the contract's name
    b: np.ndarray,
    activation: str | None,
    pass_activation: bool = True,
    keywords: bool = False,
) -> dict[str, Any]:
    """activation: a name of ACTIVATIONS or None; without `pass_activation`, the student's default is used."""
    values: dict[str, Any] = {
        "inputs": tf.constant(inputs, dtype=tf.float32),
        "W": tf.constant(W, dtype=tf.float32),
        "b": tf.constant(b, dtype=tf.float32),
    }
    if pass_activation:
        values["activation"] = ACTIVATIONS[activation] if activation else None
    return describe(call_student(context, "dense_forward", DENSE_FORWARD, values, keywords=keywords))


def collapse_call(
    context: Context,
    W1: np.ndarray,  # noqa: N803 - the contract's name
    b1: np.ndarray,
    W2: np.ndarray,  # noqa: N803 - the contract's name
    b2: np.ndarray,
) -> dict[str, Any]:
    """The student's (W, b), each described; `returned` describes anything that is not a pair."""
    values = {
        name: tf.constant(value, dtype=tf.float32) for name, value in zip(COLLAPSE, (W1, b1, W2, b2), strict=True)
    }
    result = call_student(context, "collapse_linear_layers", COLLAPSE, values)
    if isinstance(result, (tuple, list)) and len(result) == 2:
        return {"W": describe(result[0]), "b": describe(result[1]), "returned": None}
    return {"W": None, "b": None, "returned": describe(result)}


PROBES: dict[str, Callable[..., Any]] = {"dense_forward": dense_forward_call, "collapse": collapse_call}
