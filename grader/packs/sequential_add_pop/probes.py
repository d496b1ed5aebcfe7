"""Probes of stack_dense_layers(units, activation) and remove_last_layer(model) in sequential.py (in the sandbox).

One probe follows the notes' life of a `Sequential`: the student's stack is looked at
before it is built (its layers and weights), built here with `model.build`, looked at again,
then handed to the student's `remove_last_layer`, whose result is compared with the model
given (the same object, one layer fewer).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
from gradechild.api import Context, call_student, student_object

STACK = ("units", "activation")
REMOVE = ("model",)


def _type_name(value: Any) -> str:
    return f"{type(value).__module__}.{type(value).__qualname__}"


def _activation(layer: Any) -> str | None:
    """The name of a layer's activation ("linear" for none), or None when it has no activation."""
    activation = getattr(layer, "activation", None)
    if activation is None:
        return None
    try:
        name = keras.activations.serialize(activation)
    except Exception:  # noqa: BLE001 - an activation Keras cannot name: its function's name.
        name = getattr(activation, "__name__", repr(activation))
    if isinstance(name, dict):
        name = name.get("config", name.get("class_name", str(name)))
    return str(name)


def layers_of(model: Any) -> list[dict[str, Any]]:
    """Each layer of the model: its class, its units and its activation."""
    return [
        {
            "class": _type_name(layer),
            "is_dense": isinstance(layer, keras.layers.Dense),
            "units": int(layer.units) if isinstance(getattr(layer, "units", None), int) else None,
            "activation": _activation(layer),
        }
        for layer in model.layers
    ]


def stack_and_pop(context: Context, units: list[int], activation: str | None, input_dim: int) -> dict[str, Any]:
    """Stack the layers, look before and after building, then pop the last layer."""
    model = call_student(context, "stack_dense_layers", STACK, {"units": list(units), "activation": activation})
    answer: dict[str, Any] = {"python_type": _type_name(model), "is_sequential": isinstance(model, keras.Sequential)}
    if not answer["is_sequential"]:
        return answer
    with student_object(context, "the keras.Sequential stack_dense_layers returned"):
        answer["weights_before_build"] = [[int(size) for size in weight.shape] for weight in model.weights]
        answer["layers"] = layers_of(model)
    try:
        model.build((None, input_dim))
    except Exception as error:  # noqa: BLE001 - a stack that cannot take this input shape: reported to the suite.
        answer["build_error"] = f"{type(error).__name__}: {error}"[:500]
        return answer
    with student_object(context, "the keras.Sequential stack_dense_layers returned, once built,"):
        answer["weights_after_build"] = [[int(size) for size in weight.shape] for weight in model.weights]
    result = call_student(context, "remove_last_layer", REMOVE, {"model": model})
    answer["pop_python_type"] = _type_name(result)
    answer["pop_same_object"] = result is model
    with student_object(context, "the model remove_last_layer returned"):
        answer["pop_layers"] = layers_of(result) if isinstance(result, keras.Model) else None
    return answer


PROBES: dict[str, Callable[..., Any]] = {"stack_and_pop": stack_and_pop}
