"""Probes of `acceleration(position, time)` in gradients.py (run inside the sandbox), on positions
built from plain-data expressions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import tensorflow as tf
from gradechild.api import Context, call_student, describe, recording_usage

ACCELERATION = ("position", "time")


def build_expression(node: list[Any]) -> Callable[[tf.Tensor], tf.Tensor]:
    """["poly", [c0, c1, ...]] | ["sin", n] | ["exp", n] | ["mul", n, n] | ["add", n, n]"""
    kind = node[0]
    if kind == "poly":
        coefficients = [float(c) for c in node[1]]
        # The constant term is added as it is, and t**1 is written t: TensorFlow's gradient of
        # t**0 and t**1 at t = 0 goes through 0 * 0**-1, which is NaN.
        return lambda t: (
            coefficients[0]
            + sum(
                coefficient * (t if power == 1 else t**power)
                for power, coefficient in enumerate(coefficients)
                if power > 0
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


def acceleration_call(context: Context, expression: list[Any], time: float, time_form: str = "float") -> dict[str, Any]:
    """time_form: "float" (a Python float) or "tensor" (a scalar float32 tf.constant), both in the contract."""
    value = tf.constant(time, dtype=tf.float32) if time_form == "tensor" else float(time)
    with recording_usage() as usage:
        result = call_student(
            context, "acceleration", ACCELERATION, {"position": build_expression(expression), "time": value}
        )
    return {**describe(result), "usage": usage}


def acceleration_curve(context: Context, expression: list[Any], times: list[float]) -> dict[str, Any]:
    """The student's second derivative at many times, for the HTML report's plot (not graded)."""
    position = build_expression(expression)
    values = [
        float(
            np.asarray(call_student(context, "acceleration", ACCELERATION, {"position": position, "time": float(time)}))
        )
        for time in times
    ]
    return {"values": np.array(values, dtype=np.float64)}


PROBES: dict[str, Callable[..., Any]] = {"call": acceleration_call, "curve": acceleration_curve}
