"""Grading suite for `acceleration(position, time)` in gradients.py.

The second derivative of the callable `position` at `time`, taken with two nested
`tf.GradientTape`s: a scalar float32 tensor. Positions are small expression trees (see
`build_expression` in the child's probes) drawn from the exercise's seeds; the expected
value is their analytic second derivative, computed here in float64.
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

NOTES_POSITION = ["poly", [0.0, 0.0, 4.9]]  # the notes' 4.9 * t**2, whose acceleration is 9.8
HINT_TAPES = "Open an outer and an inner tf.GradientTape: the speed is inner_tape.gradient(position, time), the acceleration outer_tape.gradient(speed, time)."
HINT_WATCH = (
    "A gradient was None, for one of two reasons: a constant time must be watched with tape.watch(time) in both tapes"
    " (the outer one too), and the speed, inner_tape.gradient(position, time), must be computed inside the outer"
    " tape's `with` block, so that the outer tape records it."
)


def text(node: list[Any]) -> str:
    """The expression as the student would write it in Python."""
    return expression_text(node, "t")


def _poly(rng: np.random.Generator, degree: int, scale: float) -> list[Any]:
    return ["poly", [round(float(c), 3) for c in rng.uniform(-scale, scale, size=degree + 1)]]


def _time(rng: np.random.Generator, low: float, high: float) -> float:
    # Time 0 is graded by its own cases (build_expression writes t**1 as t, whose second derivative is defined there).
    return round(float(rng.choice([-1.0, 1.0]) * rng.uniform(low, high)), 4)


def _describe(student: ExerciseCalls, position: list[Any], time: float, time_form: str | None = None) -> dict[str, Any]:
    """What the student's acceleration returned, with the missing watch named when a tape saw no gradient."""
    try:
        # A time from the seeds is passed as a float32 tensor every other call: the contract allows both.
        time_form = time_form or ("tensor" if int(abs(time) * 1e4) % 2 else "float")
        described = student.call("call", expression=position, time=time, time_form=time_form)
    except SubmissionFailure as failure:
        if failure.error_kind == ErrorKind.NONE_VALUE:
            fail(
                f"acceleration raised an error on position(t) = {text(position)} at time {time:g} because a tape's"
                f" gradient was None: {failure.message}",
                hint=HINT_WATCH,
            )
        raise
    if described.get("kind") == ValueKind.NONE:
        fail(
            f"acceleration returned None on position(t) = {text(position)} at time {time:g}; a gradient is None"
            " when the tape did not watch time. Expected the second derivative, a scalar float32 tensor.",
            hint=HINT_WATCH,
        )
    usage = required(described, "usage", "the count of GradientTape gradients acceleration took")
    if required(usage, "tape_gradients", "the count of GradientTape gradients acceleration took") == 0:
        fail(
            f"acceleration took no GradientTape gradient on position(t) = {text(position)} at time {time:g};"
            " the exercise is to differentiate position twice with tf.GradientTape (a hard-coded value, finite"
            " differences or a formula of your own do not earn these points).",
            hint=HINT_TAPES,
        )
    return described


def _diagnose(got: np.ndarray, value: float, first: float, second: float) -> str:
    candidates = [
        (
            first,
            "You returned the first derivative (the speed): take the gradient of the speed again, with the outer tape.",
        ),
        (value, "You returned the position itself: take its gradient twice, with the inner and then the outer tape."),
        (9.8, "You returned 9.8, the notes' answer: compute the second derivative of the position you are given."),
        (-second, "The sign is flipped: return outer_tape.gradient(speed, time) as it is."),
    ]
    if got.size != 1:
        return "Return one number: the gradient of the speed with respect to the scalar time."
    for candidate, hint in candidates:
        # A candidate that equals the right answer here names no mistake.
        distinct = not is_close(np.float64(second), np.float64(candidate), rtol=1e-3, atol=1e-4)
        if distinct and is_close(got.reshape(()), np.float64(candidate), rtol=1e-3, atol=1e-4):
            return hint
    return ""


def _check(student: ExerciseCalls, spec: ExerciseSpec, cases: list[tuple[list[Any], float]]) -> None:
    for position, time in cases:
        got = value_of(_describe(student, position, time), "acceleration")
        value, first, second = (float(part) for part in derivatives(position, time))
        check_close(
            got.reshape(()) if got.size == 1 else got,
            np.float64(second),
            rtol=spec.rtol,
            atol=spec.atol,
            what=f"acceleration of position(t) = {text(position)} at time {time:g}, against its second derivative",
            hint=_diagnose(got, value, first, second),
        )


def test_returns_float32_scalar_tensor(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """On the notes' 4.9 * t**2, at a time from the seeds, the result is a tf tensor of dtype float32 and shape ()."""
    time = _time(np.random.default_rng(spec.seeds[0]), 0.3, 3.0)
    described = _describe(student, NOTES_POSITION, time, "float")
    where = f"for position(t) = 4.9*t**2 at time {time:g}"
    if described.get("kind") not in TENSOR_KINDS:
        fail(
            f"acceleration returned a {described.get('python_type')} {where}; expected a tf.Tensor.",
            hint="Return what outer_tape.gradient gives, a tf.Tensor: no .numpy(), float() or NumPy on it.",
        )
    if described.get("shape") != []:
        fail(
            f"acceleration returned shape {tuple(described.get('shape') or [])} {where}; expected a scalar, shape ().",
            hint="Differentiate with respect to the scalar time itself, and do not reshape or stack the result.",
        )
    if described.get("dtype") != "float32":
        fail(
            f"acceleration returned dtype {described.get('dtype')} {where}; expected float32.",
            hint="Make time a float32 tensor: tf.constant(time, dtype=tf.float32), not float64.",
        )


def test_matches_second_derivative_of_polynomials(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """On the notes' 4.9 * t**2 and on random polynomials of degree 2 to 4, the result is the second derivative."""
    cases = [(NOTES_POSITION, _time(np.random.default_rng(spec.seeds[0] + 1), 0.3, 3.0)), (NOTES_POSITION, 0.0)]
    for seed in spec.seeds:
        rng = np.random.default_rng(seed)
        cases += [(_poly(rng, degree, 3.0), _time(rng, 0.3, 2.0)) for degree in (2, 3, 4)]
    # Time 0, and large times of either sign.
    rng = np.random.default_rng(spec.seeds[-1] + 1)
    cases += [
        (_poly(rng, 3, 3.0), 0.0),
        (_poly(rng, 3, 1.0), _time(rng, 20.0, 60.0)),
        (_poly(rng, 2, 1.0), -_time(rng, 100.0, 300.0)),
    ]
    _check(student, spec, cases)


def test_matches_second_derivative_of_compositions(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """On sin and exp of small polynomials, their product and a sum with a polynomial, the result is the second derivative."""
    cases = []
    for seed in spec.seeds:
        rng = np.random.default_rng(seed + 1000)
        inner_sin, inner_exp = _poly(rng, 2, 1.0), _poly(rng, 2, 0.5)
        cases += [
            (["sin", inner_sin], _time(rng, 0.3, 1.5)),
            (["exp", inner_exp], _time(rng, 0.3, 1.5)),
            (["mul", ["sin", inner_sin], ["exp", inner_exp]], _time(rng, 0.3, 1.5)),
            (["add", ["sin", inner_sin], _poly(rng, 3, 1.0)], _time(rng, 0.3, 1.5)),
        ]
    rng = np.random.default_rng(spec.seeds[0] + 2000)
    cases += [(["mul", ["sin", _poly(rng, 1, 1.0)], _poly(rng, 2, 1.0)], 0.0), (["exp", _poly(rng, 2, 0.5)], 0.0)]
    _check(student, spec, cases)
