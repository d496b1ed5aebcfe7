"""Grading suite for `SimpleDense(units, activation=None)` in simple_dense.py.

A Keras layer that creates its weights in `build(input_shape)`, on its first call: a kernel W
of shape (input_dim, units) drawn with "random_normal" and a bias b of shape (units,) of
zeros; `call` returns `activation(inputs @ W + b)`. Weights are told apart by their number of
dimensions, never by name. Outputs are recomputed here, in float64 NumPy, from the weights the
layer reports, on inputs and layer sizes drawn from the exercise's seeds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from grader.grading import (
    ExerciseCalls,
    ExerciseSpec,
    FailureKind,
    SubmissionFailure,
    check_close,
    fail,
    is_close,
    required,
    shape_text,
    value_of,
)
from grader.grading.datasets import point_clouds

HINT_INIT = (
    "You created the weights in __init__: create them in build(input_shape), which Keras runs on the first call,"
    " so that W's shape follows the inputs."
)
HINT_INPUT_SIZE = (
    "Wrong input size: build() must take the input size from input_shape[-1] (the last axis),"
    " not a constant or the batch axis."
)
HINT_BIAS = (
    'The bias is missing or unused: create b = self.add_weight(shape=(units,), initializer="zeros") in build()'
    " and return inputs @ W + b."
)
HINT_ACTIVATION = (
    "The activation is not applied: in call(), return self.activation(y) when self.activation is not None, else y."
)
HINT_EXTRA_ACTIVATION = (
    "An activation was applied although activation=None: apply self.activation only when it is not None."
)
ACTIVATIONS: dict[str | None, Callable[[np.ndarray], np.ndarray]] = {
    None: lambda z: z,
    "relu": lambda z: np.maximum(z, 0.0),
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "tanh": np.tanh,
    "keras.relu": lambda z: np.maximum(z, 0.0),
}
# How each activation is named to the student: tf.nn.relu, tf.math.sigmoid, keras.activations.relu.
ACTIVATION_TEXT = {
    "relu": "tf.nn.relu",
    "sigmoid": "tf.math.sigmoid",
    "tanh": "tf.math.tanh",
    "keras.relu": "keras.activations.relu",
}


def _cases(spec: ExerciseSpec) -> list[dict[str, Any]]:
    """One layer per seed: the first on 2 input features (the notes' size) and a first batch of 2 samples,
    so that a layer with a hard-coded size (or one read from the batch axis) works there and nowhere else."""
    cases: list[dict[str, Any]] = []
    used: set[int] = set()
    for index, seed in enumerate(spec.seeds):
        rng = np.random.default_rng(seed)
        d = 2 if index == 0 else int(rng.integers(3, 17))
        while d in used:
            d += 1
        used.add(d)
        sizes = (2 if index == 0 else int(rng.integers(1, 4)), int(rng.integers(5, 33)))
        batches = [rng.normal(size=(size, d)).astype(np.float32) for size in sizes]
        cases.append({"units": int(rng.integers(2, 9)), "batches": batches, "seed": int(seed)})
    # The smallest layer: one unit, called first on a batch of one sample.
    rng = np.random.default_rng(spec.seeds[-1] + 1)
    d = max(used) + 1
    batches = [rng.normal(size=(size, d)).astype(np.float32) for size in (1, 4)]
    cases.append({"units": 1, "batches": batches, "seed": int(spec.seeds[-1]) + 1})
    return cases


def _own_layer(result: dict[str, Any]) -> dict[str, Any]:
    """The probe's result, or a failure when SimpleDense wraps a library layer instead of making its own weights."""
    inner = required(result, "sublayers", "the list of layers inside SimpleDense")
    if inner:
        fail(
            f"SimpleDense contains the Keras layer(s) {', '.join(sorted(set(inner)))}; the exercise is to write the"
            " layer yourself, so a library layer inside it does not earn these points.",
            hint="Create W and b with self.add_weight in build() and return activation(inputs @ W + b) in call(), with no other layer.",
        )
    return result


def _call_all(
    student: ExerciseCalls, probe: str, cases: list[dict[str, Any]], activation: str | None
) -> list[dict[str, Any]]:
    """Call the layer on every case; a layer that fails for some input sizes only is named."""
    results: list[dict[str, Any] | None] = []
    failures: list[tuple[dict[str, Any], SubmissionFailure]] = []
    for case in cases:
        try:
            results.append(_own_layer(student.call(probe, activation=activation, **case)))
        except SubmissionFailure as failure:
            if failure.kind != FailureKind.EXCEPTION:
                raise
            failures.append((case, failure))
            results.append(None)
    if failures and len(failures) < len(cases):
        failed_case, first_failure = failures[0]
        worked = [shape_text(c["batches"][0].shape) for c, r in zip(cases, results) if r is not None]
        fail(
            f"SimpleDense({failed_case['units']}) works on inputs of shape {', '.join(worked)} but fails on inputs of shape"
            f" {shape_text(failed_case['batches'][0].shape)}: {first_failure.message}. The layer must accept any number of input"
            " features, read from input_shape[-1] in build().",
            hint=HINT_INPUT_SIZE,
        )
    if failures:
        raise failures[0][1]
    return [result for result in results if result is not None]


def _kernel_and_bias(result: dict[str, Any], d: int, units: int) -> tuple[np.ndarray, np.ndarray]:
    """W (the one 2-D weight) and b (the one 1-D weight), with a failure naming what is wrong."""
    shapes = [tuple(weight["shape"]) for weight in result["trainable"]]
    kernels = [weight["value"] for weight in result["trainable"] if len(weight["shape"]) == 2]
    biases = [weight["value"] for weight in result["trainable"] if len(weight["shape"]) == 1]
    where = f"After a call on inputs with {d} features, SimpleDense({units}) has trainable weights of shapes {shapes}"
    if len(kernels) != 1 or len(biases) > 1 or len(shapes) != len(kernels) + len(biases):
        fail(f"{where}; expected exactly two: W of shape {(d, units)} and b of shape {(units,)}.")
    if kernels[0].shape != (d, units):
        hint = (
            HINT_INPUT_SIZE
            if kernels[0].shape[0] != d
            else "W must have shape (input_dim, units): one column per unit."
        )
        fail(f"{where}; W must have shape {(d, units)}: (input size, units).", hint=hint)
    if not biases:
        fail(f"{where}; there is no bias: b of shape {(units,)} is missing.", hint=HINT_BIAS)
    if biases[0].shape != (units,):
        fail(f"{where}; b must have shape {(units,)}: one bias per unit.", hint=HINT_BIAS)
    return kernels[0].astype(np.float64), biases[0].astype(np.float64)


def _diagnose(x: np.ndarray, W: np.ndarray, b: np.ndarray, activation: str | None, got: np.ndarray) -> str:
    act = ACTIVATIONS[activation]
    candidates = [(x @ W, HINT_BIAS), (act(x @ W), HINT_BIAS)]
    candidates += (
        [(x @ W + b, HINT_ACTIVATION)] if activation else [(np.maximum(x @ W + b, 0.0), HINT_EXTRA_ACTIVATION)]
    )
    for expected, hint in candidates:
        if got.shape == expected.shape and is_close(got, expected):
            return hint
    return ""


def _check_formula(student: ExerciseCalls, spec: ExerciseSpec, activation: str | None) -> None:
    cases = _cases(spec)
    for case, result in zip(cases, _call_all(student, "call_randomized", cases, activation)):
        d, units = case["batches"][0].shape[1], case["units"]
        W, b = _kernel_and_bias(result, d, units)
        for batch, described in zip(case["batches"], result["outputs"]):
            x = batch.astype(np.float64)
            got = value_of(described, "SimpleDense.call")
            check_close(
                got,
                ACTIVATIONS[activation](x @ W + b),
                rtol=spec.rtol,
                atol=spec.atol,
                what=f"SimpleDense({units}, activation={ACTIVATION_TEXT.get(activation or '', None)}) on inputs of shape {shape_text(x.shape)},"
                f" against {'activation(' if activation else '('}inputs @ W + b) computed from your own W and b",
                hint=_diagnose(x, W, b, activation, got),
            )


def test_no_weights_before_first_call(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """A freshly constructed layer has no weights before its first call; a first call that is not implemented fails."""
    for case in _cases(spec):
        units, arguments = case["units"], dict(case, batches=case["batches"][:1], activation=None)
        try:
            count = _own_layer(student.call("call", **arguments))["weights_before_call"]
        except SubmissionFailure as failure:
            if failure.not_implemented or failure.kind != FailureKind.EXCEPTION:
                raise
            # The call itself fails: other tests grade that; count the weights without calling.
            count = student.call("call", **dict(arguments, batches=[]))["weights_before_call"]
        if count:
            fail(
                f"SimpleDense({units}) has {count} weight(s) before it was ever called; a layer must have none until"
                " its first call, when Keras runs build(input_shape) with the shape of the inputs.",
                hint=HINT_INIT,
            )


def test_weight_shapes_after_first_call(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """After a call on (batch, d) inputs there are exactly two trainable weights, of shapes (d, units) and (units,), for several d."""
    cases = [dict(case, batches=case["batches"][:1]) for case in _cases(spec)]
    for case, result in zip(cases, _call_all(student, "call", cases, None)):
        d, units = case["batches"][0].shape[1], case["units"]
        shapes = sorted((tuple(weight["shape"]) for weight in result["trainable"]), key=len, reverse=True)
        if shapes == [(d, units), (units,)]:
            continue
        where = (
            f"After a call on inputs of shape {shape_text(case['batches'][0].shape)}, SimpleDense({units}) has"
            f" trainable weights of shapes {shapes}"
        )
        expected = f"expected exactly two: W of shape {(d, units)} and b of shape {(units,)}"
        if shapes == [(d, units)]:
            fail(f"{where}; {expected}.", hint=HINT_BIAS)
        if any(len(shape) == 2 and shape[0] != d for shape in shapes):
            fail(
                f"{where}; {expected}: W's first dimension must be the inputs' last dimension, {d}.",
                hint=HINT_INPUT_SIZE,
            )
        fail(f"{where}; {expected}. Create both with self.add_weight in build(), and no other trainable weight.")


def test_initial_weight_values(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """On a (64, 128) layer, W starts random_normal (mean near 0, std near 0.05) and every 1-D weight (b) starts at zero.

    A missing bias is not graded here (weight_shapes_after_first_call grades it).
    """
    for seed in spec.seeds:
        batch = np.random.default_rng(seed).normal(size=(2, 64)).astype(np.float32)
        result = _own_layer(student.call("call", units=128, activation=None, batches=[batch], seed=int(seed)))
        kernels = [weight["value"] for weight in result["trainable"] if len(weight["shape"]) == 2]
        if not kernels:
            fail(
                "After a call on inputs of shape (2, 64), SimpleDense(128) has no 2-D trainable weight W.",
                hint='Create W with self.add_weight(shape=(input_dim, units), initializer="random_normal") in build().',
            )
        W = kernels[0].astype(np.float64)
        mean, std = float(W.mean()), float(W.std())
        if abs(mean) >= 0.01 or not 0.045 <= std <= 0.055:
            hint = 'W must start from initializer="random_normal": mean 0, standard deviation 0.05.'
            if is_close(np.float64(std), np.float64(np.sqrt(2.0 / sum(W.shape))), rtol=0.1):
                hint = (
                    'W looks like add_weight\'s default initializer (glorot_uniform): pass initializer="random_normal".'
                )
            fail(
                f"SimpleDense(128)'s initial W of shape {shape_text(W.shape)} has mean {mean:.4g} and standard"
                f" deviation {std:.4g}; a random_normal initializer gives mean 0 and standard deviation 0.05"
                " (here |mean| < 0.01 and a deviation within [0.045, 0.055] are expected).",
                hint=hint,
            )
        for weight in result["trainable"]:
            if len(weight["shape"]) == 1 and np.any(weight["value"] != 0):
                fail(
                    f"SimpleDense(128)'s initial b of shape {shape_text(weight['shape'])} has"
                    f" {int(np.count_nonzero(weight['value']))} nonzero values; b must start at zero.",
                    hint='Create b with initializer="zeros".',
                )


def test_output_matches_formula(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """With activation=None and random W, b, the output equals inputs @ W + b for several batch and input sizes."""
    _check_formula(student, spec, None)


def test_activation_applied_when_given(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """With activation tf.nn.relu, tf.math.sigmoid and keras.activations.relu, and random W, b, the output equals activation(inputs @ W + b)."""
    for activation in ("relu", "sigmoid", "keras.relu"):
        _check_formula(student, spec, activation)


def test_trains_inside_sequential(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """Sequential([SimpleDense(16, relu), SimpleDense(1)]) fitted 3 epochs on the point clouds: finite losses, the last below the first."""
    epochs = 3
    for seed in spec.seeds:
        inputs, targets = point_clouds(seed)
        fitted = _own_layer(student.call("fit", inputs=inputs, targets=targets, epochs=epochs, seed=int(seed)))
        losses = np.asarray(fitted["losses"])
        where = f"fitting Sequential([SimpleDense(16, activation=tf.nn.relu), SimpleDense(1)]) for {epochs} epochs on the point clouds of seed {seed}"
        if losses.shape != (epochs,) or not np.isfinite(losses).all():
            fail(
                f"The losses per epoch were {losses.tolist()} {where}; {epochs} finite losses were expected.",
                hint="Keep every computation in TensorFlow ops on the layer's own weights, so that the model can train.",
            )
        if not losses[-1] < losses[0]:
            fail(
                f"The loss went from {losses[0]:.4g} to {losses[-1]:.4g} {where}; it must fall.",
                hint="The model does not learn: call() must compute activation(inputs @ W + b) from the trainable weights"
                " made with self.add_weight, with no activation when activation is None.",
            )
