"""Grading suite for `stack_dense_layers(units, activation)` and `remove_last_layer(model)` in sequential.py.

The stack is an unbuilt `keras.Sequential` assembled with `add`, one `Dense(count,
activation=activation)` per entry of `units`, in order, with no weights until it is built;
`remove_last_layer` pops the last layer off the same model. The units, the activation and the
input size are drawn from the exercise's seeds; the expected layers and weight shapes follow
from them, so every check here is exact.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.grading import ExerciseCalls, ExerciseSpec, fail

ACTIVATIONS = ("relu", "tanh", None, "sigmoid")
HINT_INPUT = (
    "Do not give the stack an input shape (no keras.Input, no input_shape=): a Sequential has no weights until it is"
    " built or called on data."
)


def case(spec: ExerciseSpec, index: int) -> dict[str, Any]:
    """The units (2 to 4 distinct counts), the activation and the input size of the index-th seed."""
    seed = spec.seeds[index % len(spec.seeds)]
    rng = np.random.default_rng(seed)
    units = [int(count) for count in rng.choice(np.arange(1, 65), size=int(rng.integers(2, 5)), replace=False)]
    return {"units": units, "activation": ACTIVATIONS[index % len(ACTIVATIONS)], "input_dim": int(rng.integers(1, 9))}


def answers(student: ExerciseCalls, spec: ExerciseSpec) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(case, answer) for each seed: the student's stack looked at before and after build, then popped (asked once
    per grading: `student` keeps its answers)."""
    pairs = []
    for index in range(len(spec.seeds)):
        arguments = case(spec, index)
        answer = student.call("stack_and_pop", **arguments)
        if not answer["is_sequential"]:
            fail(
                f"stack_dense_layers returned a {answer['python_type']}; expected a keras.Sequential model.",
                hint="Start from an empty keras.Sequential(), add the layers to it, and return that model.",
            )
        pairs.append((arguments, answer))
    return pairs


def call_text(arguments: dict[str, Any]) -> str:
    return f"stack_dense_layers({arguments['units']}, activation={arguments['activation']!r})"


def built(arguments: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    """The answer, after checking that the stack could be built on inputs of the case's size."""
    if "build_error" in answer:
        fail(
            f"{call_text(arguments)}.build((None, {arguments['input_dim']})) failed: {answer['build_error']}; a stack"
            " without an input shape can be built for inputs of any size.",
            hint=HINT_INPUT,
        )
    return answer


def test_no_weights_before_build(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """The stack returned has no weights until it is built."""
    for arguments, answer in answers(student, spec):
        if answer["weights_before_build"]:
            fail(
                f"{call_text(arguments)} returned a model that already has {len(answer['weights_before_build'])}"
                f" weights, of shapes {answer['weights_before_build']}; expected none before the model is built.",
                hint=HINT_INPUT,
            )


def test_one_dense_layer_per_entry(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """One keras.layers.Dense per entry of units, with those units, in that order."""
    for arguments, answer in answers(student, spec):
        layers = answer["layers"]
        classes = [layer["class"] for layer in layers]
        if not all(layer["is_dense"] for layer in layers):
            fail(
                f"{call_text(arguments)} returned a model with the layers {classes}; expected keras.layers.Dense layers"
                " only.",
                hint="Add keras.layers.Dense(count, activation=activation) for each count in units.",
            )
        got = [layer["units"] for layer in layers]
        if got != arguments["units"]:
            hint = "Add one keras.layers.Dense(count, activation=activation) for each count in units, in order."
            if got == arguments["units"][::-1]:
                hint = "The layers are in reverse order: add them in the order of units, the first entry first."
            fail(
                f"{call_text(arguments)} returned Dense layers of {got} units; expected {arguments['units']}.",
                hint=hint,
            )


def test_activation_on_every_layer(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """Every layer has the activation given ("linear" when it is None)."""
    for arguments, answer in answers(student, spec):
        expected = arguments["activation"] or "linear"
        got = [layer["activation"] for layer in answer["layers"]]
        if any(name != expected for name in got):
            fail(
                f"{call_text(arguments)} returned layers with the activations {got}; expected {expected!r} on every"
                " layer.",
                hint="Pass the activation to every layer: keras.layers.Dense(count, activation=activation).",
            )


def test_weights_after_build(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """Built for inputs (None, d), the stack has a kernel (inputs, units) and a bias (units,) per layer."""
    for arguments, answer in answers(student, spec):
        answer = built(arguments, answer)
        sizes = [arguments["input_dim"], *arguments["units"]]
        expected = [shape for n_in, n_out in zip(sizes, sizes[1:]) for shape in ([n_in, n_out], [n_out])]
        if answer["weights_after_build"] != expected:
            fail(
                f"{call_text(arguments)}, built with model.build((None, {arguments['input_dim']})), has weights of"
                f" shapes {answer['weights_after_build']}; expected {expected}: a kernel and a bias per Dense layer.",
                hint="Add exactly one keras.layers.Dense(count, activation=activation) per count in units, in order.",
            )


def test_pop_removes_the_last_layer(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """remove_last_layer returns a model with the same layers but the last."""
    for arguments, answer in answers(student, spec):
        answer = built(arguments, answer)
        if answer["pop_layers"] is None:
            fail(
                f"remove_last_layer returned a {answer['pop_python_type']}; expected the keras.Sequential model it was"
                " given.",
                hint="Call model.pop(), then return model.",
            )
        expected = [layer["units"] for layer in answer["layers"][:-1]]
        got = [layer["units"] for layer in answer["pop_layers"]]
        if got != expected:
            unchanged = got == [layer["units"] for layer in answer["layers"]]
            fail(
                f"remove_last_layer on a model of Dense layers of {[layer['units'] for layer in answer['layers']]}"
                f" units returned layers of {got} units; expected {expected}: all but the last.",
                hint=(
                    "No layer was removed: model.layers is a copy of the model's list of layers, so"
                    " model.layers.pop() leaves the model as it was. Call model.pop() on the model itself."
                    if unchanged
                    else "model.pop() removes the last layer only; call it once."
                ),
            )


def test_pop_keeps_the_same_model(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """remove_last_layer returns the very model it was given, shortened in place."""
    for arguments, answer in answers(student, spec):
        if not built(arguments, answer)["pop_same_object"]:
            fail(
                f"remove_last_layer returned a new {answer['pop_python_type']}, not the model it was given; expected"
                " the same model, with one layer fewer.",
                hint="Shorten the model in place with model.pop() and return that model; do not build a new Sequential.",
            )
