"""Probes of `acceleration(position, time)` in gradients.py (run inside the sandbox), on positions
built from plain-data expressions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import tensorflow as tf
from gradechild.api import Context, build_expression, call_student, describe, recording_usage, student_object

ACCELERATION = ("position", "time")


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
    answers = [
        call_student(context, "acceleration", ACCELERATION, {"position": position, "time": float(t)}) for t in times
    ]
    with student_object(context, "a float of what your acceleration returned"):
        values = [float(np.asarray(answer)) for answer in answers]
    return {"values": np.array(values, dtype=np.float64)}


PROBES: dict[str, Callable[..., Any]] = {"call": acceleration_call, "curve": acceleration_curve}
