"""Probes of `constant_tensors(shape, seed)` and `update_variable(variable, values, increment, corner_value)` in
tensors.py (run inside the sandbox)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
import numpy as np
import tensorflow as tf
from gradechild.api import Context, call_student, describe

CONSTANT_TENSORS = ("shape", "seed")
UPDATE_VARIABLE = ("variable", "values", "increment", "corner_value")


def constant_tensors_call(context: Context, shape: list[int], seed: int) -> dict[str, Any]:
    """The student's constant_tensors(shape, seed) in a freshly seeded program: what each of its results is."""
    # Every call starts from the same global state, as a fresh program would: the same seed
    # must then give the same values, whatever the call's position in the session.
    keras.utils.set_random_seed(context.seed)
    result = call_student(context, "constant_tensors", CONSTANT_TENSORS, {"shape": tuple(shape), "seed": seed})
    if not isinstance(result, (tuple, list)):
        return {"items": None, "returned": describe(result)}
    return {"items": [describe(item) for item in result], "returned": None}


def update_variable_call(
    context: Context, initial: np.ndarray, values: np.ndarray, increment: np.ndarray, corner_value: float
) -> dict[str, Any]:
    """The student's update_variable on a fresh float32 Variable: what it returned, and the Variable afterwards."""
    variable = tf.Variable(initial.astype(np.float32))
    result = call_student(
        context,
        "update_variable",
        UPDATE_VARIABLE,
        {
            "variable": variable,
            "values": tf.constant(values, dtype=tf.float32),
            "increment": tf.constant(increment, dtype=tf.float32),
            "corner_value": float(corner_value),
        },
    )
    return {"returned": describe(result), "same_object": result is variable, "variable": describe(variable)}


PROBES: dict[str, Callable[..., Any]] = {
    "constant_tensors": constant_tensors_call,
    "update_variable": update_variable_call,
}
