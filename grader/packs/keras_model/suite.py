"""Grading suite for `build_model()` and `train_and_evaluate(...)` in keras_models.py.

`build_model()` returns an uncompiled `keras.Sequential` of one Dense unit: this suite
compiles and fits it itself (RMSprop, mean squared error, accuracy). `train_and_evaluate`
receives a model the grader compiled; it fits it with `validation_data`, evaluates it on the
validation data and returns the validation classes thresholded at 0.5, all as plain data. The
data are the notes' two point clouds, standardised, small (60 training and 20 validation
samples) and drawn from the exercise's seeds, so that a few epochs suffice.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.grading import BoundReference, ExerciseCalls, ExerciseSpec, fail, is_close, required
from grader.grading.datasets import point_clouds

SAMPLES_PER_CLASS = 40
VALIDATION_SAMPLES = 20
# Epochs per seed: a different number for each, so that a hard-coded count fails.
EPOCHS = (2, 3, 4)
MIN_ACCURACY = 0.85
HINT_VALIDATION_DATA = (
    "Pass the validation set as model.fit(..., validation_data=(val_inputs, val_targets)); validation_split would"
    " hold out part of the training data instead."
)


def data(seed: int) -> dict[str, np.ndarray]:
    """The point clouds of the seed, standardised and shuffled: 60 training and 20 validation samples."""
    inputs, targets = point_clouds(seed, SAMPLES_PER_CLASS)
    inputs = ((inputs - inputs.mean(axis=0)) / inputs.std(axis=0)).astype(np.float32)
    order = np.random.default_rng(seed).permutation(len(inputs))
    inputs, targets = inputs[order], targets[order]
    return {
        "inputs": inputs[VALIDATION_SAMPLES:],
        "targets": targets[VALIDATION_SAMPLES:],
        "val_inputs": inputs[:VALIDATION_SAMPLES],
        "val_targets": targets[:VALIDATION_SAMPLES],
    }


def trained(student: ExerciseCalls, seed: int, epochs: int) -> dict[str, Any]:
    """What train_and_evaluate returned for the seed's data and epochs, and the grader's measures of the model after it
    (one fit per seed and grading, shared by the four tests that read it: `student` keeps its answers)."""
    return student.call("train", **data(seed), epochs=epochs, seed=seed)


def cases(spec: ExerciseSpec) -> list[tuple[int, int]]:
    """(seed, epochs) pairs: the exercise's seeds, each with a number of epochs in EPOCHS drawn from it."""
    return [(seed, int(np.random.default_rng(seed + 500).choice(EPOCHS))) for seed in spec.seeds]


def result_part(answer: dict[str, Any], part: str) -> Any:
    """A part of train_and_evaluate's returned dict; fails when the result is not a dict holding it."""
    result = required(answer, "result", "train_and_evaluate's result")
    if "keys" not in result:
        fail(
            f"train_and_evaluate returned a {result['python_type']}; expected a dict with the keys 'history',"
            " 'evaluation' and 'classes'.",
            hint="Return {'history': history.history, 'evaluation': ..., 'classes': ...}.",
        )
    if part not in result["keys"]:
        fail(
            f"train_and_evaluate returned a dict with the keys {result['keys']}; expected the key {part!r} among"
            " 'history', 'evaluation' and 'classes'.",
            hint="Return {'history': history.history, 'evaluation': ..., 'classes': ...}.",
        )
    value = result.get(part)
    if isinstance(value, str):
        fail(f"train_and_evaluate returned {part!r} that is not numbers: {value}; expected a list of Python numbers.")
    return value


def history_of(answer: dict[str, Any]) -> dict[str, np.ndarray]:
    """The history part as arrays of numbers; fails when it is not a dict of lists."""
    result_part(answer, "history")
    result = answer["result"]
    if "history" not in result:
        fail(
            f"train_and_evaluate returned a {result['history_type']} as 'history'; expected history.history, the dict"
            " from each name to its values per epoch.",
            hint="model.fit returns a History object: return its .history dict.",
        )
    history: dict[str, Any] = result["history"]
    for name, values in history.items():
        if isinstance(values, str):
            fail(f"train_and_evaluate's history[{name!r}] is not numbers: {values}; expected a list of floats.")
    return history


def test_build_model_returns_uncompiled_sequential(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """build_model returns a keras.Sequential that is not compiled yet."""
    answer = student.call("build", inputs=data(spec.seeds[0])["val_inputs"], seed=spec.seeds[0])
    if not answer["is_sequential"]:
        fail(
            f"build_model returned a {answer['python_type']}; expected a keras.Sequential model.",
            hint="Return keras.Sequential([keras.layers.Dense(1)]).",
        )
    if answer["compiled"]:
        fail(
            "build_model returned a compiled model; expected a model that is not compiled yet, so that whoever trains"
            " it chooses the optimizer, the loss and the metrics.",
            hint="Do not call model.compile in build_model: return the model before compiling it.",
        )


def test_build_model_outputs_one_score(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """The model maps inputs (n, 2) to scores (n, 1), for several n."""
    for seed in spec.seeds:
        inputs = data(seed)["inputs"][: 5 + seed % 17]
        answer = student.call("build", inputs=inputs, seed=seed)
        if not answer["is_model"]:
            fail(f"build_model returned a {answer['python_type']}; expected a keras.Sequential model.")
        expected = [inputs.shape[0], 1]
        if answer["output_shape"] != expected:
            fail(
                f"build_model's model returned outputs of shape {tuple(answer['output_shape'])} for inputs of shape"
                f" {inputs.shape}; expected {tuple(expected)}: one score per sample.",
                hint="The model ends with one unit: keras.layers.Dense(1).",
            )


def test_build_model_trains_on_point_clouds(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """Compiled and fitted here (RMSprop 0.1, mean squared error, 3 epochs), the model classifies most validation points."""
    seed = spec.seeds[0]
    parts = data(seed)
    answer = student.call("build_fit", **parts, epochs=3, seed=seed)
    if not answer["is_model"]:
        fail(f"build_model returned a {answer['python_type']}; expected a keras.Sequential model.")
    scores = np.asarray(answer["scores"])
    if scores.shape != (VALIDATION_SAMPLES, 1):
        fail(
            f"After training, build_model's model returned scores of shape {scores.shape} for {VALIDATION_SAMPLES}"
            f" validation samples; expected ({VALIDATION_SAMPLES}, 1).",
            hint="The model ends with one unit: keras.layers.Dense(1).",
        )
    accuracy = float(np.mean((scores >= 0.5) == (parts["val_targets"] >= 0.5)))
    if accuracy < MIN_ACCURACY:
        fail(
            f"Compiled with RMSprop(0.1) and the mean squared error and fitted for 3 epochs, build_model's model"
            f" classified {accuracy:.0%} of the validation points; expected at least {MIN_ACCURACY:.0%}.",
            hint="A linear classifier is one Dense(1) layer, with no activation that would squash its scores.",
        )


def test_history_has_every_epoch(student: ExerciseCalls, reference: BoundReference, spec: ExerciseSpec) -> None:
    """history holds loss, val_loss, the metric and val_ + the metric, each with one value per epoch asked."""
    for seed, epochs in cases(spec):
        history = history_of(trained(student, seed, epochs))
        expected = sorted(reference.call("train", **data(seed), epochs=epochs, seed=seed)["result"]["history"])
        if sorted(history) != expected:
            missing = [name for name in expected if name not in history]
            fail(
                f"train_and_evaluate's history has the keys {sorted(history)}; expected {expected}.",
                hint=HINT_VALIDATION_DATA if any(name.startswith("val_") for name in missing) else "",
            )
        lengths = {name: len(values) for name, values in history.items()}
        if any(length != epochs for length in lengths.values()):
            fail(
                f"train_and_evaluate(..., epochs={epochs}) returned a history with {lengths} values per name; expected"
                f" {epochs} each, one per epoch.",
                hint="Pass the epochs argument to model.fit(..., epochs=epochs); do not fix a number of your own.",
            )


def test_validation_loss_is_on_validation_data(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """The last val_loss is the loss of the trained model on the validation data given."""
    for seed, epochs in cases(spec):
        answer = trained(student, seed, epochs)
        history = history_of(answer)
        if "val_loss" not in history:
            fail(f"train_and_evaluate's history has no 'val_loss' (keys {sorted(history)}).", hint=HINT_VALIDATION_DATA)
        losses = np.asarray(history["val_loss"]).ravel()
        if losses.size == 0:
            fail("train_and_evaluate's history['val_loss'] is empty; expected one validation loss per epoch.")
        got = float(losses[-1])
        expected = float(answer["evaluate_validation"][0])
        if not is_close(got, expected, rtol=1e-3, atol=1e-5):
            fail(
                f"The last val_loss of train_and_evaluate's history is {got:.6g}, but the trained model's loss on the"
                f" validation data given is {expected:.6g}; the validation loss must be measured on those data.",
                hint=HINT_VALIDATION_DATA,
            )


def test_evaluates_validation_data(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """evaluation is model.evaluate on the validation data: the loss, then the metric."""
    for seed, epochs in cases(spec):
        answer = trained(student, seed, epochs)
        got = np.asarray(result_part(answer, "evaluation"))
        expected = np.asarray(answer["evaluate_validation"])
        if got.shape == expected.shape and is_close(got, expected, rtol=1e-3, atol=1e-5):
            continue
        training = np.asarray(answer["evaluate_training"])
        on_training = got.shape == training.shape and is_close(got, training, rtol=1e-3, atol=1e-5)
        fail(
            f"train_and_evaluate returned the evaluation {np.round(got, 6).tolist()}; the trained model's loss and"
            f" accuracy on the validation data are {np.round(expected, 6).tolist()}.",
            hint="You evaluated the model on the training data: evaluate it on the validation data,"
            " model.evaluate(val_inputs, val_targets)."
            if on_training
            else "Return model.evaluate(val_inputs, val_targets, verbose=0): the loss, then the metric.",
        )


def test_predicts_classes_at_one_half(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """classes holds one 0 or 1 per validation sample: 1 where the model's score is at least 0.5."""
    for seed, epochs in cases(spec):
        answer = trained(student, seed, epochs)
        got = np.asarray(result_part(answer, "classes"))
        scores = np.asarray(answer["scores"])
        expected = (scores >= 0.5).astype(np.float64)
        if got.shape == expected.shape and np.array_equal(got, expected):
            continue
        hint = "A score of at least 0.5 is class 1, below it class 0: (scores[:, 0] >= 0.5).astype(int)."
        if got.shape == scores.shape and is_close(got, scores):
            hint = "You returned the scores: threshold them into classes, (scores[:, 0] >= 0.5).astype(int)."
        elif got.shape == expected.shape and np.array_equal(got, (scores >= 0).astype(np.float64)):
            hint = "You thresholded the scores at 0: the targets are 0 and 1, so the threshold is 0.5."
        fail(
            f"train_and_evaluate returned the classes {np.round(got, 3).tolist()} for {VALIDATION_SAMPLES} validation samples;"
            f" expected {expected.astype(int).tolist()}, from the trained model's scores.",
            hint=hint,
        )
