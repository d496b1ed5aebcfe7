"""Probes of dense_output_shape(input_shape, units) and lstm_output_shape(input_shape, units, return_sequences)
in layer_shapes.py; they run inside the sandbox and describe the shape the student returned."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gradechild.api import Context, call_student

DENSE = ("input_shape", "units")
LSTM = ("input_shape", "units", "return_sequences")


def _type_name(value: Any) -> str:
    return f"{type(value).__module__}.{type(value).__qualname__}"


def describe_shape(shape: Any) -> dict[str, Any]:
    """The returned shape: its type, the type of each item, and each item as an int (None stays None)."""
    answer: dict[str, Any] = {"python_type": _type_name(shape), "is_tuple": type(shape) is tuple}
    try:
        items = list(shape)
    except TypeError:
        return answer
    answer["item_types"] = [_type_name(item) for item in items]
    values: list[int | None] = []
    for item in items:
        try:
            values.append(None if item is None else int(item))
        except (TypeError, ValueError):
            return answer
    answer["values"] = values
    return answer


def dense(context: Context, input_shape: list[int], units: int) -> dict[str, Any]:
    """The student's dense_output_shape for a tuple input shape."""
    values = {"input_shape": tuple(int(size) for size in input_shape), "units": int(units)}
    return describe_shape(call_student(context, "dense_output_shape", DENSE, values))


def lstm(context: Context, input_shape: list[int], units: int, return_sequences: bool) -> dict[str, Any]:
    """The student's lstm_output_shape for a tuple input shape."""
    values = {
        "input_shape": tuple(int(size) for size in input_shape),
        "units": int(units),
        "return_sequences": bool(return_sequences),
    }
    return describe_shape(call_student(context, "lstm_output_shape", LSTM, values))


PROBES: dict[str, Callable[..., Any]] = {"dense": dense, "lstm": lstm}
