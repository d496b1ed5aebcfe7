"""A Keras model for the two point clouds: compile, fit, evaluate and predict.

This module follows "Understanding the fit() method", "Monitoring loss and metrics on
validation data" and "Inference: Using a model after training" in the course notes. Keras
trains the same linear classifier you wrote by hand, with far less code: `compile` picks the
optimizer, the loss and the metrics, `fit` runs the training loop, `evaluate` measures the
model on data it did not train on, and `predict` returns its scores.

Example:

```python
model = build_model()
model.compile(optimizer="rmsprop", loss="mean_squared_error", metrics=["accuracy"])
results = train_and_evaluate(model, inputs, targets, val_inputs, val_targets, epochs=5)
results["history"]["val_loss"]  # One validation loss per epoch.
```
"""

import keras
import numpy as np


def build_model():
    """Return an uncompiled `keras.Sequential` model of one `Dense` layer with one unit.

    The model maps two input features to one score, like the linear classifier of the
    notes. Do not compile it: whoever trains it chooses the optimizer and the loss.

    Returns:
        A `keras.Sequential` model, not compiled, whose output for inputs of shape
        `(num_samples, 2)` has shape `(num_samples, 1)`.

    Follows "The compile step: Configuring the learning process" in the course notes.
    """
    raise NotImplementedError("A Sequential model with one Dense unit, not compiled.")


def train_and_evaluate(model, inputs, targets, val_inputs, val_targets, epochs=5):
    """Train a compiled `model` with validation data, then evaluate it and predict classes.

    Call `model.fit` on the training data for `epochs` epochs (the notes use `batch_size=16`;
    another batch size is yours to choose), passing the validation data as
    `validation_data` (`verbose=0` keeps the output short; progress bars are allowed too).
    Then evaluate the model on the validation data, and predict the validation scores; a
    score of at least 0.5 is class 1, and below it class 0.

    Args:
        model: A compiled Keras model (with one metric, such as accuracy).
        inputs: A float32 NumPy array of shape `(num_samples, 2)`.
        targets: A float32 NumPy array of shape `(num_samples, 1)`, of 0s and 1s.
        val_inputs: A float32 NumPy array of shape `(num_val_samples, 2)`.
        val_targets: A float32 NumPy array of shape `(num_val_samples, 1)`.
        epochs: A Python int, the number of passes over the training data.

    Returns:
        A dict of plain Python data:
        `"history"`: the `.history` of the `History` that `fit` returns, a dict from each
        name (`"loss"`, `"val_loss"`, the metric and `"val_"` + the metric) to a list of
        `epochs` Python floats;
        `"evaluation"`: the list that `model.evaluate` returns (the loss, then the metric);
        `"classes"`: the `num_val_samples` classes, 0 or 1: a list of Python ints (a NumPy
        int array of shape `(num_val_samples,)` or `(num_val_samples, 1)` is read the same).

    Follows "Monitoring loss and metrics on validation data" and "Inference: Using a model
    after training" in the course notes.
    """
    raise NotImplementedError("Fit with validation_data, evaluate, predict, and return plain data.")
