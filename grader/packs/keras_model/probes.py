"""Probes of build_model() and train_and_evaluate(...) in keras_models.py; they run inside the sandbox.

`build_fit` compiles and fits the student's own model with the grader's settings;
`train` gives the student's train_and_evaluate a model the grader built and compiled, then
measures that model itself after the call, so that the suite can tell which data the student
evaluated and how the classes were thresholded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
import numpy as np
import tensorflow as tf
from gradechild.api import Context, call_student, student_object

TRAIN = ("model", "inputs", "targets", "val_inputs", "val_targets", "epochs")
LEARNING_RATE = 0.1
BATCH_SIZE = 16


def _type_name(value: Any) -> str:
    return f"{type(value).__module__}.{type(value).__qualname__}"


def _compiled(model: Any) -> bool:
    """Whether `compile` was called on the model (Keras 3's `compiled`, or an optimizer set by tf.keras)."""
    return bool(getattr(model, "compiled", False)) or getattr(model, "optimizer", None) is not None


def _compile(model: keras.Model) -> None:
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=LEARNING_RATE),
        loss="mean_squared_error",
        metrics=["accuracy"],
    )


def build(context: Context, inputs: np.ndarray, seed: int) -> dict[str, Any]:
    """Call build_model() and note what it returned: its type, whether it is compiled, its output's shape."""
    keras.utils.set_random_seed(seed)
    model = call_student(context, "build_model", (), {})
    answer: dict[str, Any] = {
        "python_type": _type_name(model),
        "is_model": isinstance(model, keras.Model),
        "is_sequential": isinstance(model, keras.Sequential),
    }
    if answer["is_model"]:
        answer["compiled"] = _compiled(model)
        with student_object(context, f"the model build_model returned, called on inputs of shape {inputs.shape},"):
            answer["output_shape"] = [int(size) for size in model(inputs).shape]
    return answer


def build_fit(
    context: Context,
    inputs: np.ndarray,
    targets: np.ndarray,
    val_inputs: np.ndarray,
    val_targets: np.ndarray,
    epochs: int,
    seed: int,
) -> dict[str, Any]:
    """Call build_model(), then compile it, fit it and predict the validation scores."""
    keras.utils.set_random_seed(seed)
    model = call_student(context, "build_model", (), {})
    answer: dict[str, Any] = {"python_type": _type_name(model), "is_model": isinstance(model, keras.Model)}
    if not answer["is_model"]:
        return answer
    with student_object(context, "the model build_model returned, compiled and fitted by the grader,"):
        _compile(model)
        history = model.fit(inputs, targets, epochs=epochs, batch_size=BATCH_SIZE, verbose=0)
        # One batch (the validation part is smaller than predict's batch): the same scores bit for bit, without a
        # tf.data pipeline per call (benchmarks/one_batch.py).
        scores = np.asarray(model.predict_on_batch(val_inputs), dtype=np.float64)
    answer["losses"] = np.asarray(history.history["loss"], dtype=np.float64)
    answer["scores"] = scores
    answer["output_shape"] = [int(size) for size in scores.shape]
    return answer


def _numbers(value: Any) -> np.ndarray | str:
    """A value as a flat float64 array, or why it is not numbers."""
    try:
        array = np.asarray(value.numpy() if tf.is_tensor(value) else value, dtype=np.float64)
    except Exception as error:  # noqa: BLE001 - whatever the student returned that is not numbers.
        return f"{_type_name(value)} ({type(error).__name__}: {error})"[:300]
    return array.ravel()


def _result(result: Any) -> dict[str, Any]:
    """What train_and_evaluate returned, as plain data: its keys, and each part as numbers."""
    described: dict[str, Any] = {"python_type": _type_name(result)}
    if not isinstance(result, dict):
        return described
    described["keys"] = sorted(str(key) for key in result)
    history = result.get("history")
    described["history_type"] = _type_name(history)
    if isinstance(history, keras.callbacks.History):
        history = history.history
    if isinstance(history, dict):
        described["history"] = {str(name): _numbers(values) for name, values in history.items()}
    for part in ("evaluation", "classes"):
        if part in result:
            described[part] = _numbers(result[part])
            described[f"{part}_type"] = _type_name(result[part])
    return described


def train(
    context: Context,
    inputs: np.ndarray,
    targets: np.ndarray,
    val_inputs: np.ndarray,
    val_targets: np.ndarray,
    epochs: int,
    seed: int,
) -> dict[str, Any]:
    """Call train_and_evaluate on a compiled one-unit model; then evaluate and predict with that model here."""
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input(shape=(inputs.shape[1],)), keras.layers.Dense(1)])
    _compile(model)
    values = {
        "model": model,
        "inputs": inputs,
        "targets": targets,
        "val_inputs": val_inputs,
        "val_targets": val_targets,
        "epochs": epochs,
    }
    result = call_student(context, "train_and_evaluate", TRAIN, values)
    # The model went through the student's code, which may have changed it (recompiled it, replaced its layers).
    with student_object(context, "the grader's model, after your train_and_evaluate trained it,"):
        return {
            "result": _result(result),
            # The validation part fits in one of evaluate's batches: one batch gives the same values bit for bit
            # without a tf.data pipeline; the training part spans two, where one batch would round differently, so
            # it keeps evaluate (benchmarks/one_batch.py checks both).
            "evaluate_validation": np.asarray(model.test_on_batch(val_inputs, val_targets), dtype=np.float64),
            "evaluate_training": np.asarray(model.evaluate(inputs, targets, verbose=0), dtype=np.float64),
            "scores": np.asarray(model.predict_on_batch(val_inputs), dtype=np.float64).ravel(),
        }


PROBES: dict[str, Callable[..., Any]] = {"build": build, "build_fit": build_fit, "train": train}
