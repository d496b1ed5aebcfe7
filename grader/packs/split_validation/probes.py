"""Probes of `split_validation(inputs, targets, validation_fraction, seed)` in validation.py (run
inside the sandbox), with the seed in every form the contract allows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import tensorflow as tf
from gradechild.api import Context, StudentError, call_student, describe

SPLIT_VALIDATION = ("inputs", "targets", "validation_fraction", "seed")

SEED_FORMS: dict[str, Callable[[int | None], Any]] = {
    "int": lambda seed: None if seed is None else int(seed),
    "numpy": lambda seed: None if seed is None else np.int64(seed),
}


def split_validation_call(
    context: Context,
    inputs: np.ndarray,
    targets: np.ndarray,
    validation_fraction: float,
    seed: int | None,
    seed_form: str = "int",
) -> dict[str, Any]:
    """seed_form: "int" (a Python int) or "numpy" (a np.int64); a seed of None is passed as None."""
    values = {
        "inputs": inputs,
        "targets": targets,
        "validation_fraction": validation_fraction,
        "seed": SEED_FORMS[seed_form](seed),
    }
    # Each call starts TensorFlow's random state afresh, as a new program would: an op seeded with
    # `tf.random.shuffle(indices, seed=seed)` then gives the same split at every call, as it does
    # at every run. NumPy's and Python's global state go on, so that a seed ignored shows.
    tf.random.set_seed(context.seed)
    result = call_student(context, "split_validation", SPLIT_VALIDATION, values)
    try:
        (train_inputs, train_targets), (val_inputs, val_targets) = result
    except (TypeError, ValueError) as error:
        raise StudentError(
            "split_validation must return ((train_inputs, train_targets), (val_inputs, val_targets)),"
            f" received {type(result).__name__}: {error}"
        ) from None
    return {
        "train_inputs": describe(train_inputs),
        "train_targets": describe(train_targets),
        "val_inputs": describe(val_inputs),
        "val_targets": describe(val_targets),
    }


PROBES: dict[str, Callable[..., Any]] = {"call": split_validation_call}
