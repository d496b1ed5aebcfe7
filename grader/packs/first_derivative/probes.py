"""Probes of `first_derivative(function, point)` in derivatives.py (run inside the sandbox), on element-wise
functions built from plain-data expressions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import tensorflow as tf
from gradechild.api import Context, call_student, describe, recording_usage

FIRST_DERIVATIVE = ("function", "point")


def build_expression(node: list[Any]) -> Callable[[tf.Tensor], tf.Tensor]:
    """["poly", [c0, c1, ...]] | ["sin", n] | ["exp", n] | ["mul", n, n] | ["add", n, n], applied element-wise."""
    kind = node[0]
    if kind == "poly":
        coefficients = [float(c) for c in node[1]]
        # t**1 is written t: TensorFlow's gradient of t**1 at t = 0 goes through 0 * 0**-1, which is NaN.
        return lambda t: (
            coefficients[0]
            + sum(
                coefficient * (t if power == 1 else t**power) for power, coefficient in enumerate(coefficients) if power
            )
        )
    if kind in ("sin", "exp"):
        inner = build_expression(node[1])
        outer = tf.sin if kind == "sin" else tf.exp
        return lambda t: outer(inner(t))
    if kind in ("mul", "add"):
        left, right = build_expression(node[1]), build_expression(node[2])
        return (lambda t: left(t) * right(t)) if kind == "mul" else (lambda t: left(t) + right(t))
    raise ValueError(f"unknown expression node {kind!r}")


def first_derivative_call(context: Context, expression: list[Any], point: Any, point_form: str) -> dict[str, Any]:
    """point_form: "float" (a Python float), "list" (a list of floats) or "tensor" (a float32 tf.constant)."""
    value = tf.constant(point, dtype=tf.float32) if point_form == "tensor" else point
    with recording_usage() as usage:
        result = call_student(
            context, "first_derivative", FIRST_DERIVATIVE, {"function": build_expression(expression), "point": value}
        )
    return {**describe(result), "usage": usage}


PROBES: dict[str, Callable[..., Any]] = {"call": first_derivative_call}
