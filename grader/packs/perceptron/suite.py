"""Grading suite for `dense_forward(inputs, W, b, activation=None)` and `collapse_linear_layers(W1, b1, W2, b2)`
in perceptron.py.

`dense_forward` is `activation(inputs @ W + b)`, or `inputs @ W + b` without an activation:
a float32 tensor of shape `(num_samples, units)`, compared with the formula computed here in
float64 on inputs and weights drawn from the exercise's seeds (one sample, one input, one
unit included). `collapse_linear_layers` returns the weights of the one linear layer equal to
two stacked ones: `W1 @ W2` and `b1 @ W2 + b2`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from grader.grading import ExerciseCalls, ExerciseSpec, check_close, fail, is_close, value_of

ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "relu": lambda z: np.maximum(z, 0.0),
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "tanh": np.tanh,
    "keras.relu": lambda z: np.maximum(z, 0.0),
}


def _layer(rng: np.random.Generator, samples: int, inputs: int, units: int) -> dict[str, np.ndarray]:
    return {
        "inputs": rng.normal(size=(samples, inputs)).astype(np.float32),
        "W": rng.normal(size=(inputs, units)).astype(np.float32),
        "b": rng.normal(size=(units,)).astype(np.float32),
    }


def _layers(seed: int) -> list[dict[str, np.ndarray]]:
    """Dense layers of random sizes, and the edge sizes: one sample, one input, one unit."""
    rng = np.random.default_rng(seed)
    sizes = [(1, 1, 1), (1, 4, 3), tuple(int(n) for n in rng.integers(2, 12, size=3))]
    return [_layer(rng, *size) for size in sizes]


def _formula(case: dict[str, np.ndarray]) -> np.ndarray:
    return case["inputs"].astype(np.float64) @ case["W"].astype(np.float64) + case["b"].astype(np.float64)


def _dense_hint(case: dict[str, np.ndarray], activation: str | None, got: np.ndarray) -> str:
    """The known mistake whose result equals the student's output, if any."""
    product = case["inputs"].astype(np.float64) @ case["W"].astype(np.float64)
    bias = case["b"].astype(np.float64)
    act = ACTIVATIONS[activation] if activation else (lambda z: z)
    mistakes = [
        (act(product) + bias, "You applied the activation before adding the bias: compute activation(inputs @ W + b)."),
        (
            product + bias,
            "The activation was not applied: when `activation` is given, return activation(inputs @ W + b).",
        ),
        (act(product), "The bias is missing: add b to inputs @ W, before the activation."),
        (product, "The bias is missing and no activation was applied: return activation(inputs @ W + b)."),
    ]
    expected = act(product + bias)
    for wrong, hint in mistakes:
        distinct = not is_close(expected, wrong)
        if distinct and np.shape(got) == np.shape(wrong) and is_close(got, wrong):
            return hint
    return ""


def _dense(student: ExerciseCalls, case: dict[str, np.ndarray], activation: str | None, **options: Any) -> np.ndarray:
    where = f"dense_forward on inputs of shape {case['inputs'].shape} and W of shape {case['W'].shape}"
    return value_of(student.call("dense_forward", **case, activation=activation, **options), where)


def test_dense_returns_float32_tensor(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """dense_forward returns a float32 tf.Tensor of shape (num_samples, units)."""
    for case in _layers(spec.seeds[0]):
        described = student.call("dense_forward", **case, activation="relu")
        where = f"dense_forward on inputs of shape {case['inputs'].shape} and W of shape {case['W'].shape}"
        expected_shape = (case["inputs"].shape[0], case["W"].shape[1])
        if described.get("kind") not in ("tensor", "variable"):
            fail(
                f"{where} returned a {described.get('python_type')}; expected a tf.Tensor.",
                hint="Compute with TensorFlow (tf.matmul, +, the activation) and return the tensor, without .numpy().",
            )
        if tuple(described.get("shape") or ()) != expected_shape:
            fail(
                f"{where} returned shape {tuple(described.get('shape') or ())}; expected {expected_shape}.",
                hint="Multiply inputs @ W (in that order) and add b, which broadcasts over the samples.",
            )
        if described.get("dtype") != "float32":
            fail(f"{where} returned dtype {described.get('dtype')}; expected float32.")


def test_linear_dense_matches_formula(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """Without an activation (None, given by position, by keyword, or left to its default) it is inputs @ W + b."""
    calls: list[dict[str, Any]] = [{}, {"keywords": True}, {"pass_activation": False}]
    for seed in spec.seeds:
        for case, options in zip(_layers(seed), calls, strict=True):
            got = _dense(student, case, None, **options)
            how = {(): "activation=None", ("keywords",): "keyword arguments", ("pass_activation",): "no activation"}
            check_close(
                got,
                _formula(case),
                rtol=spec.rtol,
                atol=spec.atol,
                what=f"dense_forward with {how[tuple(options)]} on inputs of shape {case['inputs'].shape} and W of"
                f" shape {case['W'].shape}, against inputs @ W + b",
                hint=_dense_hint(case, None, got),
            )


def test_activation_applied(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """With relu, sigmoid, tanh or keras.activations.relu it is activation(inputs @ W + b)."""
    for seed in spec.seeds:
        for case in _layers(seed):
            for activation in ACTIVATIONS:
                got = _dense(student, case, activation)
                check_close(
                    got,
                    ACTIVATIONS[activation](_formula(case)),
                    rtol=spec.rtol,
                    atol=spec.atol,
                    what=f"dense_forward with activation {activation} on inputs of shape {case['inputs'].shape} and W"
                    f" of shape {case['W'].shape}, against activation(inputs @ W + b)",
                    hint=_dense_hint(case, activation, got),
                )


def _two_layers(seed: int) -> list[dict[str, np.ndarray]]:
    """Pairs of layers of random sizes, and the edge sizes (one input, one hidden unit, one output)."""
    rng = np.random.default_rng(seed + 50)
    sizes = [(1, 1, 1), (3, 1, 2), (2, 5, 1), tuple(int(n) for n in rng.integers(2, 9, size=3))]
    cases = []
    for inputs, hidden, units in sizes:
        cases.append(
            {
                "W1": rng.normal(size=(inputs, hidden)).astype(np.float32),
                "b1": rng.normal(size=(hidden,)).astype(np.float32),
                "W2": rng.normal(size=(hidden, units)).astype(np.float32),
                "b2": rng.normal(size=(units,)).astype(np.float32),
            }
        )
    return cases


def _sizes(case: dict[str, np.ndarray]) -> str:
    return f"W1 of shape {case['W1'].shape} and W2 of shape {case['W2'].shape}"


def _collapse(student: ExerciseCalls, case: dict[str, np.ndarray]) -> tuple[dict[str, Any], dict[str, Any]]:
    answer = student.call("collapse", **case)
    if answer.get("returned") is not None:
        fail(
            f"collapse_linear_layers with {_sizes(case)} returned a {answer['returned'].get('python_type')}; expected"
            " a pair (W, b).",
            hint="End with `return W, b`.",
        )
    return answer["W"], answer["b"]


def test_collapse_returns_pair_of_shapes(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """collapse_linear_layers returns (W, b), float32 tensors of shapes (input_dim, units) and (units,)."""
    for case in _two_layers(spec.seeds[0]):
        W, b = _collapse(student, case)  # noqa: N806 - the contract's name
        expected = {"W": (case["W1"].shape[0], case["W2"].shape[1]), "b": (case["W2"].shape[1],)}
        for name, described in (("W", W), ("b", b)):
            where = f"the {name} of collapse_linear_layers with {_sizes(case)}"
            if described.get("kind") not in ("tensor", "variable"):
                fail(f"{where} is a {described.get('python_type')}; expected a tf.Tensor.")
            if tuple(described.get("shape") or ()) != expected[name]:
                fail(
                    f"{where} has shape {tuple(described.get('shape') or ())}; expected {expected[name]}.",
                    hint="The single layer maps inputs of size input_dim to units outputs: W is W1 @ W2 (in that"
                    " order), b has one value per output unit.",
                )
            if described.get("dtype") != "float32":
                fail(f"{where} has dtype {described.get('dtype')}; expected float32.")


def test_collapse_weights(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """The collapsed W is W1 @ W2."""
    for seed in spec.seeds:
        for case in _two_layers(seed):
            W, _ = _collapse(student, case)  # noqa: N806 - the contract's name
            expected = case["W1"].astype(np.float64) @ case["W2"].astype(np.float64)
            check_close(
                value_of(W, "the collapsed W"),
                expected,
                rtol=spec.rtol,
                atol=spec.atol,
                what=f"the W of collapse_linear_layers with {_sizes(case)}, against W1 @ W2",
                hint="(inputs @ W1) @ W2 is inputs @ (W1 @ W2): multiply the two weight matrices, W1 first.",
            )


def test_collapse_bias(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """The collapsed b is b1 @ W2 + b2: the first bias goes through the second layer's weights."""
    for seed in spec.seeds:
        for case in _two_layers(seed):
            _, b = _collapse(student, case)
            got = value_of(b, "the collapsed b")
            b1, W2, b2 = (case[name].astype(np.float64) for name in ("b1", "W2", "b2"))  # noqa: N806
            expected = b1 @ W2 + b2
            hint = ""
            if got.shape == b2.shape and is_close(got, b2) and not is_close(expected, b2):
                hint = "You kept b2 only: the first bias also passes through the second layer, so b = b1 @ W2 + b2."
            elif got.shape == b2.shape and is_close(got, b1 @ W2) and not is_close(expected, b1 @ W2):
                hint = "You forgot the second bias: b = b1 @ W2 + b2."
            elif b1.shape == b2.shape and got.shape == b2.shape and is_close(got, b1 + b2):
                hint = "Adding the biases forgets that b1 passes through W2: b = b1 @ W2 + b2."
            check_close(
                got,
                expected,
                rtol=spec.rtol,
                atol=spec.atol,
                what=f"the b of collapse_linear_layers with {_sizes(case)}, against b1 @ W2 + b2",
                hint=hint,
            )
