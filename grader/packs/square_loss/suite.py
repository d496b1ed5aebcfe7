"""Grading suite for `square_loss(targets, predictions)` in linear_classifier.py.

The loss is the mean of the squared differences over every element: a scalar float32
`tf.Tensor`. Values and gradients are compared with the reference on inputs drawn from the
exercise's seeds, so a hard-coded answer cannot pass.
"""

from __future__ import annotations

import numpy as np

from grader.grading import (
    BoundReference,
    ExerciseCalls,
    ExerciseSpec,
    check_close,
    fail,
    is_close,
    shape_text,
    value_of,
)


def _inputs(seed: int, shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    targets = rng.normal(size=shape).astype(np.float32)
    predictions = (targets + rng.normal(scale=1.5, size=shape)).astype(np.float32)
    return targets, predictions


def _shapes(seed: int, kind: str) -> tuple[int, ...]:
    rng = np.random.default_rng(seed + 7)
    samples = int(rng.integers(5, 40))
    if kind == "column":
        return (samples, 1)
    if kind == "vector":
        return (samples,)
    return (samples, int(rng.integers(2, 6)))


def diagnose(targets: np.ndarray, predictions: np.ndarray, value: np.ndarray) -> str:
    """Name the known mistake whose result equals what the student returned, if any."""
    difference = targets.astype(np.float64) - predictions.astype(np.float64)
    squares = difference**2
    candidates = [
        (np.sum(squares), "You summed the squared differences: take their mean (tf.reduce_mean), not tf.reduce_sum."),
        (np.mean(np.abs(difference)), "You averaged the absolute differences: square them instead (tf.square)."),
        (
            np.sqrt(np.mean(squares)),
            "You took a square root (that is the RMSE): the loss is the mean of the squares, with no root.",
        ),
        (np.mean(difference), "You averaged the differences without squaring them: use tf.square."),
    ]
    if squares.ndim == 2:
        candidates += [
            (
                np.mean(squares, axis=0),
                "You reduced over one axis only (axis=0): tf.reduce_mean without `axis` reduces over every axis.",
            ),
            (
                np.mean(squares, axis=1),
                "You reduced over one axis only (axis=1): tf.reduce_mean without `axis` reduces over every axis.",
            ),
            (
                np.sum(np.mean(squares, axis=0)),
                "You averaged over one axis and summed over the other: take the mean over every element.",
            ),
        ]
    for expected, hint in candidates:
        if np.shape(value) == np.shape(expected) and is_close(value, expected):
            return hint
    if value.ndim > 0 and value.size > 1:
        return "A loss is one number: reduce over every axis (tf.reduce_mean with no `axis`)."
    return ""


# How the inputs are passed, in turn: tensors by position, NumPy arrays, tensors by keyword
# (with the student's own parameter names).
FORMS = ("tensor", "numpy", "keyword")
FORM_TEXT = {"tensor": "as tensors", "numpy": "as NumPy arrays", "keyword": "as tensors, by keyword"}
# Shapes beyond the seeds' own, for each kind: the smallest column, and rank 3.
EXTRA_SHAPES: dict[str, list[tuple[int, ...]]] = {"column": [(1, 1)], "vector": [(1,)], "matrix": [(3, 4, 2)]}


def check_values(student: ExerciseCalls, reference: BoundReference, spec: ExerciseSpec, kind: str) -> None:
    cases = [(seed, _shapes(seed, kind)) for seed in spec.seeds]
    cases += [(spec.seeds[0] + 11 * (index + 1), shape) for index, shape in enumerate(EXTRA_SHAPES[kind])]
    for index, (seed, shape) in enumerate(cases):
        targets, predictions = _inputs(seed, shape)
        form = FORMS[index % len(FORMS)]
        got = value_of(student.call("call", targets=targets, predictions=predictions, form=form), "square_loss")
        expected = value_of(
            reference.call("call", targets=targets, predictions=predictions, form=form), "the reference"
        )
        check_close(
            got,
            expected,
            rtol=spec.rtol,
            atol=spec.atol,
            what=f"square_loss on targets and predictions of shape {shape_text(targets.shape)} passed {FORM_TEXT[form]}",
            hint=diagnose(targets, predictions, got),
        )


def test_returns_scalar_float32_tensor(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """The loss is a scalar float32 tf.Tensor."""
    targets, predictions = _inputs(spec.seeds[0], (16, 1))
    described = student.call("call", targets=targets, predictions=predictions)
    if described.get("kind") == "none":
        fail("square_loss returned None: return the loss (did you forget `return`?).")
    if described.get("kind") not in ("tensor", "variable"):
        fail(
            f"square_loss returned a {described.get('python_type')}, not a tf.Tensor: compute the loss with"
            " TensorFlow ops (tf.square, tf.reduce_mean) so that GradientTape can differentiate it.",
            hint="Use TensorFlow ops, not NumPy or Python arithmetic on .numpy() values.",
        )
    shape = described.get("shape")
    if shape != []:
        fail(
            f"square_loss returned shape {shape_text(shape or [])} for inputs of shape (16, 1); a loss is a scalar,"
            " shape ().",
            hint="A loss is one number: reduce over every axis (tf.reduce_mean with no `axis`).",
        )
    if described.get("dtype") != "float32":
        fail(
            f"square_loss returned dtype {described.get('dtype')} for float32 inputs; it must stay float32"
            " (do not cast to float64).",
            hint="Keep the inputs' dtype: no tf.cast to float64 and no NumPy float64 constants.",
        )


def test_matches_reference_column(student: ExerciseCalls, reference: BoundReference, spec: ExerciseSpec) -> None:
    """The loss equals the reference on (N, 1) targets and predictions, (1, 1) included, as tensors, arrays or by keyword."""
    check_values(student, reference, spec, "column")


def test_matches_reference_vector(student: ExerciseCalls, reference: BoundReference, spec: ExerciseSpec) -> None:
    """The loss equals the reference on (N,) targets and predictions, (1,) included."""
    check_values(student, reference, spec, "vector")


def test_matches_reference_matrix(student: ExerciseCalls, reference: BoundReference, spec: ExerciseSpec) -> None:
    """The loss equals the reference on (N, k) and rank-3 targets and predictions."""
    check_values(student, reference, spec, "matrix")


def test_gradient_matches_reference(student: ExerciseCalls, reference: BoundReference, spec: ExerciseSpec) -> None:
    """The gradient of the loss with respect to the predictions equals the reference's."""
    for seed in spec.seeds:
        targets, predictions = _inputs(seed, _shapes(seed, "column"))
        got = student.call("gradient", targets=targets, predictions=predictions)
        expected = reference.call("gradient", targets=targets, predictions=predictions)
        if got["gradient"].get("kind") == "none":
            fail(
                "GradientTape found no gradient of your loss with respect to the predictions: the loss must be"
                " computed from the predictions with TensorFlow ops, not through NumPy or .numpy().",
                hint="Use TensorFlow ops only, so that GradientTape can follow the computation.",
            )
        loss = value_of(got["loss"], "square_loss")
        check_close(
            value_of(got["gradient"], "the gradient of square_loss"),
            value_of(expected["gradient"], "the reference gradient"),
            rtol=spec.rtol,
            atol=spec.atol,
            what=f"the gradient of square_loss with respect to predictions of shape {shape_text(predictions.shape)}",
            hint=diagnose(targets, predictions, loss),
        )


def test_symmetric_in_arguments(student: ExerciseCalls, reference: BoundReference, spec: ExerciseSpec) -> None:
    """square_loss(a, b) equals square_loss(b, a), and both equal the reference."""
    for seed in spec.seeds:
        first, second = _inputs(seed, _shapes(seed, "column"))
        forward = value_of(student.call("call", targets=first, predictions=second), "square_loss(a, b)")
        backward = value_of(student.call("call", targets=second, predictions=first), "square_loss(b, a)")
        expected = value_of(reference.call("call", targets=first, predictions=second), "the reference")
        check_close(
            backward,
            forward,
            rtol=spec.rtol,
            atol=spec.atol,
            what="square_loss(b, a) against square_loss(a, b)",
            hint="The squared difference is the same both ways round: (a - b)**2 == (b - a)**2.",
        )
        check_close(
            forward,
            expected,
            rtol=spec.rtol,
            atol=spec.atol,
            what="square_loss(a, b)",
            hint=diagnose(first, second, forward),
        )
