"""Probes of `first_derivative(function, point)` in derivatives.py (run inside the sandbox), on element-wise
functions built from plain-data expressions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import tensorflow as tf
from gradechild.api import Context, build_expression, call_student, describe, recording_usage

FIRST_DERIVATIVE = ("function", "point")


def first_derivative_call(context: Context, expression: list[Any], point: Any, point_form: str) -> dict[str, Any]:
    """point_form: "float" (a Python float), "list" (a list of floats) or "tensor" (a float32 tf.constant)."""
    value = tf.constant(point, dtype=tf.float32) if point_form == "tensor" else point
    with recording_usage() as usage:
        result = call_student(
            context, "first_derivative", FIRST_DERIVATIVE, {"function": build_expression(expression), "point": value}
        )
    return {**describe(result), "usage": usage}


PROBES: dict[str, Callable[..., Any]] = {"call": first_derivative_call}
