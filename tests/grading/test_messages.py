"""Tests of messages that point the right way (issue 23, section 4): each mistake graded from a real
submission (or, where this TensorFlow cannot raise it, from the real exception's text) gets the
sentence that names its real cause, not a neighbour's."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

from grader.results import PASSED, GradeResult
from grader.sandbox.failures import advice_for
from tests.conftest import submission_with

SEQUENTIAL = """
import keras


def stack_dense_layers(units, activation):
    model = keras.Sequential()
    for count in units:
        model.add(keras.layers.Dense(count, activation=activation))
    {stack_extra}
    return model


def remove_last_layer(model):
    {pop}
    return model
"""


def _failed(result: GradeResult, exercise_id: str) -> dict[str, str]:
    return {
        test.name: f"{test.message}\nhint: {test.hint}"
        for exercise, test in result.tests
        if exercise.id == exercise_id and test.status != PASSED
    }


def test_float64_variable_is_called_a_dtype_mismatch_not_a_shape_error(
    tmp_path: Path, grade_folder: Callable[..., GradeResult]
) -> None:
    """A float64 tf.Variable among float32 tensors gets the dtype sentence, never "print the shapes"."""
    module = textwrap.dedent(
        """
        import numpy as np
        import tensorflow as tf


        def model(inputs, W, b):
            return tf.matmul(inputs, W) + b


        def square_loss(targets, predictions):
            scale = tf.Variable(np.ones(1))
            return tf.reduce_mean(tf.square(targets - predictions) * scale)
        """
    )
    result = grade_folder(submission_with(tmp_path, {"linear_classifier.py": module}), ["square_loss"])
    failed = _failed(result, "square_loss")
    assert "matches_reference_column" in failed, failed
    said = failed["matches_reference_column"]
    assert "different dtypes" in said and "float64" in said, said
    assert "print the shapes" not in said, said


def test_popping_model_layers_is_told_it_changed_a_copy(
    tmp_path: Path, grade_folder: Callable[..., GradeResult]
) -> None:
    """model.layers.pop() removes nothing from the model: the hint says model.layers is a copy, not "call it once"."""
    module = textwrap.dedent(SEQUENTIAL).format(stack_extra="", pop="model.layers.pop()")
    result = grade_folder(submission_with(tmp_path, {"sequential.py": module}), ["sequential_add_pop"])
    failed = _failed(result, "sequential_add_pop")
    assert "pop_removes_the_last_layer" in failed, failed
    said = failed["pop_removes_the_last_layer"]
    assert "model.layers is a copy" in said and "model.pop()" in said, said
    assert "call it once" not in said, said


def test_output_of_an_uncalled_keras_3_model_names_the_missing_input(
    tmp_path: Path, grade_folder: Callable[..., GradeResult]
) -> None:
    """model.output on a model never called gets the Keras 3 sentence (an Input, or a call), not generic attribute advice."""
    module = textwrap.dedent(SEQUENTIAL).format(stack_extra="print(model.output)", pop="model.pop()")
    result = grade_folder(submission_with(tmp_path, {"sequential.py": module}), ["sequential_add_pop"])
    said = "\n".join(_failed(result, "sequential_add_pop").values())
    assert "keras.Input(shape=...)" in said, said
    assert "check the name" not in said, said


def test_import_of_tensorflows_private_keras_names_keras_not_the_grader() -> None:
    """No module named 'tensorflow.python.keras' is told to import keras, not to "import only what the grader has"."""
    advice = advice_for("ModuleNotFoundError", "No module named 'tensorflow.python.keras'")
    assert "import keras" in advice and "private" in advice, advice
    assert "Import only what the grader has" not in advice
    assert "Import only what the grader has" in advice_for("ModuleNotFoundError", "No module named 'torch'")
