"""Grading suite for `first_derivative(function, point)` in derivatives.py.

The derivative of an element-wise `function` at `point` (a Python float, a list of floats or
a float32 tensor), taken with a `tf.GradientTape` that watches the constant input: a float32
tensor of the point's shape. Functions are small expression trees (see `build_expression` in
the pack's probes) drawn from the exercise's seeds; the expected values are their analytic
derivatives, computed here in float64.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.grading import (
    TENSOR_KINDS,
    ErrorKind,
    ExerciseCalls,
    ExerciseSpec,
    SubmissionFailure,
    ValueKind,
    check_close,
    fail,
    is_close,
    required,
    value_of,
)
from grader.grading.expressions import derivatives, expression_text

NOTES_FUNCTION = ["poly", [0.0, 0.0, 0.0, 1.0]]  # x**3, whose derivative at 2 is 12
HINT_WATCH = (
    "The gradient was None: a tape records a constant only when it watches it. Call tape.watch(x) on the constant"
    " inside the `with tf.GradientTape() as tape:` block, before computing function(x)."
)
HINT_TAPE = "Differentiate with tf.GradientTape: tape.gradient(function(x), x), with x the watched constant."
FORMS = ("float", "list", "tensor")


def text(node: list[Any]) -> str:
    """The expression as the student would write it in Python."""
    return expression_text(node, "x")


def _poly(rng: np.random.Generator, degree: int, scale: float) -> list[Any]:
    coefficients = [round(float(c), 3) for c in rng.uniform(-scale, scale, size=degree + 1)]
    coefficients[-1] = coefficients[-1] or 1.0  # never a constant function: its gradient would be None
    return ["poly", coefficients]


def _point(rng: np.random.Generator, form: str, low: float, high: float) -> Any:
    """A Python float, a list of floats (1 to 6 of them) or a rank-2 array of floats, each of either sign."""
    if form == "float":
        return round(float(rng.choice([-1.0, 1.0]) * rng.uniform(low, high)), 4)
    shape = (int(rng.integers(1, 7)),) if form == "list" else (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
    values = np.round(rng.choice([-1.0, 1.0], size=shape) * rng.uniform(low, high, size=shape), 4)
    return values.tolist() if form == "list" else values.astype(np.float32)


def _described(student: ExerciseCalls, function: list[Any], point: Any, form: str) -> dict[str, Any]:
    """What the student's first_derivative returned, with the missing watch named when the tape saw no gradient."""
    where = f"first_derivative(lambda x: {text(function)}, {_point_text(point, form)})"
    try:
        described = student.call("call", expression=function, point=point, point_form=form)
    except SubmissionFailure as failure:
        if failure.error_kind == ErrorKind.NONE_VALUE:
            fail(f"{where} raised an error because a gradient was None: {failure.message}", hint=HINT_WATCH)
        raise
    if described.get("kind") == ValueKind.NONE:
        fail(f"{where} returned None; expected the derivative, a float32 tensor.", hint=HINT_WATCH)
    usage = required(described, "usage", "the count of GradientTape gradients first_derivative took")
    if required(usage, "tape_gradients", "the count of GradientTape gradients first_derivative took") == 0:
        fail(
            f"{where} took no GradientTape gradient; the exercise is to differentiate with tf.GradientTape (a"
            " hard-coded value, finite differences or a formula of your own do not earn these points).",
            hint=HINT_TAPE,
        )
    return described


def _point_text(point: Any, form: str) -> str:
    if form == "tensor":
        return f"tf.constant(<float32 of shape {np.shape(point)}>)"
    return repr(point) if form == "float" else f"<list of {len(point)} floats>"


def _diagnose(got: np.ndarray, value: np.ndarray, first: np.ndarray, second: np.ndarray) -> str:
    candidates = [
        (second, "You returned the second derivative: take the tape's gradient once, with a single tape."),
        (value, "You returned function(x) itself: return tape.gradient(function(x), x)."),
        (-first, "The sign is flipped: return tape.gradient(result, x) as it is."),
    ]
    for candidate, hint in candidates:
        distinct = not is_close(first, candidate, rtol=1e-3, atol=1e-4)
        if distinct and np.shape(got) == np.shape(candidate) and is_close(got, candidate, rtol=1e-3, atol=1e-4):
            return hint
    if np.shape(got) != np.shape(first):
        return "Return the gradient with respect to the whole point, which has the point's shape: do not reduce it."
    return ""


def _check(student: ExerciseCalls, spec: ExerciseSpec, cases: list[tuple[list[Any], Any, str]]) -> None:
    for function, point, form in cases:
        got = value_of(_described(student, function, point, form), "first_derivative")
        value, first, second = derivatives(function, np.asarray(point, dtype=np.float64))
        check_close(
            got,
            first,
            rtol=spec.rtol,
            atol=spec.atol,
            what=f"first_derivative(lambda x: {text(function)}, {_point_text(point, form)}), against its derivative",
            hint=_diagnose(got, value, first, second),
        )


def test_returns_float32_tensor_of_point_shape(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """On x**3 at a float, a list and a rank-2 tensor, the result is a float32 tf.Tensor of the point's shape."""
    rng = np.random.default_rng(spec.seeds[0])
    for form in FORMS:
        point = _point(rng, form, 0.5, 3.0)
        described = _described(student, NOTES_FUNCTION, point, form)
        where = f"first_derivative(lambda x: x**3, {_point_text(point, form)})"
        if described.get("kind") not in TENSOR_KINDS:
            fail(
                f"{where} returned a {described.get('python_type')}; expected a tf.Tensor.",
                hint="Return what tape.gradient gives, a tf.Tensor: no .numpy(), float() or NumPy on it.",
            )
        if tuple(described.get("shape") or ()) != np.shape(point):
            fail(
                f"{where} returned shape {tuple(described.get('shape') or ())}; expected the point's shape"
                f" {np.shape(point)}.",
                hint="Differentiate with respect to the whole point, and do not reshape or reduce the gradient.",
            )
        if described.get("dtype") != "float32":
            fail(
                f"{where} returned dtype {described.get('dtype')}; expected float32.",
                hint="Make the point a float32 constant: tf.constant(point, dtype=tf.float32), not float64.",
            )


def test_matches_derivative_of_polynomials(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """On the notes' x**3 at 2 and random polynomials of degree 1 to 4, at floats, lists and tensors, 0 included."""
    cases: list[tuple[list[Any], Any, str]] = [(NOTES_FUNCTION, 2.0, "float")]
    for seed in spec.seeds:
        rng = np.random.default_rng(seed + 1)
        for degree, form in zip((1, 2, 3, 4), ("float", "list", "tensor", "list"), strict=True):
            cases.append((_poly(rng, degree, 3.0), _point(rng, form, 0.3, 2.0), form))
    rng = np.random.default_rng(spec.seeds[-1] + 2)
    cases += [(_poly(rng, 3, 2.0), 0.0, "float"), (_poly(rng, 2, 2.0), [0.0, 1.5, -40.0], "list")]
    _check(student, spec, cases)


def test_matches_derivative_of_compositions(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """On sin and exp of small polynomials, their product, and a sum with a polynomial, the result is the derivative."""
    cases: list[tuple[list[Any], Any, str]] = []
    for seed in spec.seeds:
        rng = np.random.default_rng(seed + 1000)
        inner_sin, inner_exp = _poly(rng, 2, 1.0), _poly(rng, 2, 0.5)
        cases += [
            (["sin", inner_sin], _point(rng, "float", 0.3, 1.5), "float"),
            (["exp", inner_exp], _point(rng, "list", 0.3, 1.5), "list"),
            (["mul", ["sin", inner_sin], ["exp", inner_exp]], _point(rng, "tensor", 0.3, 1.5), "tensor"),
            (["add", ["sin", inner_sin], _poly(rng, 3, 1.0)], _point(rng, "float", 0.3, 1.5), "float"),
        ]
    _check(student, spec, cases)
