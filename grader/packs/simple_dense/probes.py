"""Probes of the `SimpleDense` layer in simple_dense.py (run inside the sandbox): called, trained and randomised."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
import numpy as np
import tensorflow as tf
from gradechild.api import Context, StudentError, call_student, describe, student_object

SIMPLE_DENSE = ("units", "activation")

ACTIVATIONS: dict[str, Callable[[tf.Tensor], tf.Tensor]] = {
    "relu": tf.nn.relu,
    "sigmoid": tf.math.sigmoid,
    "tanh": tf.math.tanh,
    "keras.relu": keras.activations.relu,
    "keras.sigmoid": keras.activations.sigmoid,
}


def _simple_dense(context: Context, units: int, activation: str | None, *, default_activation: bool = False) -> Any:
    """The student's SimpleDense(units, activation=...); with `default_activation`, SimpleDense(units) as the notes write it."""
    values: dict[str, Any] = {"units": units}
    if not default_activation:
        values["activation"] = ACTIVATIONS[activation] if activation else None
    return call_student(context, "SimpleDense", SIMPLE_DENSE, values)


def sublayers(layer: keras.layers.Layer) -> list[str]:
    """The layers tracked inside a layer (a SimpleDense that wraps keras.layers.Dense has one)."""
    try:
        inner = list(layer._flatten_layers(include_self=False, recursive=True))
    except Exception as error:  # noqa: BLE001 - a layer that broke Keras' tracking cannot be looked into.
        raise StudentError(
            f"the grader could not list the layers inside your SimpleDense ({type(error).__name__}: {error});"
            " do not override Keras' own attributes of a Layer"
        ) from None
    return [f"{type(item).__module__}.{type(item).__qualname__}" for item in inner]


def _weights(layer: keras.layers.Layer) -> list[dict[str, Any]]:
    return [
        {"shape": [int(n) for n in weight.shape], "value": np.asarray(weight.numpy())}
        for weight in layer.trainable_weights
    ]


def simple_dense_call(
    context: Context, units: int, activation: str | None, batches: list[np.ndarray], seed: int
) -> dict[str, Any]:
    keras.utils.set_random_seed(seed)
    layer = _simple_dense(context, units, activation)
    with student_object(context, "your SimpleDense, called on a float32 batch,"):
        before = len(layer.weights)
        outputs = [describe(layer(tf.constant(batch))) for batch in batches]
    return {
        "weights_before_call": before,
        "trainable": _weights(layer),
        "all_weights": len(layer.weights),
        "outputs": outputs,
        "sublayers": sublayers(layer),
    }


def simple_dense_fit(
    context: Context, inputs: np.ndarray, targets: np.ndarray, epochs: int, seed: int
) -> dict[str, Any]:
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [_simple_dense(context, 16, "relu"), _simple_dense(context, 1, None, default_activation=True)]
    )
    with student_object(context, "a keras.Sequential of two of your SimpleDense layers, compiled and fitted,"):
        model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.01), loss="mean_squared_error")
        history = model.fit(inputs, targets, epochs=epochs, batch_size=64, verbose=0, shuffle=False)
    inner = [name for layer in model.layers for name in sublayers(layer)]
    return {"losses": np.array(history.history["loss"], dtype=np.float64), "sublayers": inner}


def simple_dense_call_randomized(
    context: Context, units: int, activation: str | None, batches: list[np.ndarray], seed: int
) -> dict[str, Any]:
    """Build the layer on the first batch, give every trainable weight random values (so that a
    zero bias is not zero any more), then call it on every batch."""
    keras.utils.set_random_seed(seed)
    layer = _simple_dense(context, units, activation)
    with student_object(context, "your SimpleDense, called on a float32 batch with random weights,"):
        layer(tf.constant(batches[0]))
        rng = np.random.default_rng(seed)
        for weight in layer.trainable_weights:
            shape = tuple(int(n) for n in weight.shape)
            weight.assign(rng.normal(scale=0.5, size=shape).astype(keras.backend.standardize_dtype(weight.dtype)))
        outputs = [describe(layer(tf.constant(batch))) for batch in batches]
    return {"trainable": _weights(layer), "outputs": outputs, "sublayers": sublayers(layer)}


PROBES: dict[str, Callable[..., Any]] = {
    "call": simple_dense_call,
    "fit": simple_dense_fit,
    "call_randomized": simple_dense_call_randomized,
}
