"""Grading suite for `training_step(inputs, targets, W, b, learning_rate=0.1)` in linear_classifier.py.

One step of gradient descent with `tf.GradientTape`: the loss is computed before the update,
`W` and `b` are updated in place with `assign_sub`. The exercise is graded alone and forgivingly:
each test runs with the student's own `square_loss` and `model` first; one that fails runs again
with correct ones standing in (probes.py's `STAND_INS`, run by the grader's runner) and passes, with
a note naming the wrong one, if it then passes. A wrong `square_loss` costs only its own points,
and a stand-in never costs any.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.grading import (
    BoundReference,
    ExerciseCalls,
    ExerciseSpec,
    check_close,
    fail,
    is_close,
    noting,
    required,
    value_of,
)
from grader.grading.datasets import linear_accuracy, linear_loss, point_clouds

CONVERGENCE_LEARNING_RATE = 0.02
CONVERGENCE_STEPS = 150
MINIMUM_ACCURACY = 0.97


def _step_inputs(seed: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    samples, features = int(rng.integers(20, 60)), int(rng.integers(2, 5))
    return {
        "inputs": rng.normal(size=(samples, features)).astype(np.float32),
        "targets": rng.integers(0, 2, size=(samples, 1)).astype(np.float32),
        "W0": rng.uniform(size=(features, 1)).astype(np.float32),
        "b0": rng.normal(size=(1,)).astype(np.float32),
        # Never the default 0.1, so an ignored learning rate shows.
        "learning_rate": round(float(rng.uniform(0.01, 0.09)), 4),
    }


def _step_hint(arguments: dict[str, Any], got: dict[str, Any], expected: dict[str, Any]) -> str:
    """Compare the student's update with the reference's to name the mistake."""
    expected_change = np.concatenate(
        [(arguments["W0"] - expected["W"]).ravel(), (arguments["b0"] - expected["b"]).ravel()]
    )
    change = np.concatenate([(arguments["W0"] - got["W"]).ravel(), (arguments["b0"] - got["b"]).ravel()])
    if is_close(change, np.zeros_like(change), atol=1e-7):
        return "W and b did not change: update the Variables you were given in place, with W.assign_sub(...) and b.assign_sub(...)."
    if is_close(change, -expected_change):
        return "The update goes the wrong way (a sign error): gradient descent subtracts learning_rate * gradient, with assign_sub."
    scale = float(np.dot(change, expected_change) / max(float(np.dot(expected_change, expected_change)), 1e-30))
    if scale > 0 and is_close(change, scale * expected_change, rtol=1e-3, atol=1e-6):
        used = scale * arguments["learning_rate"]
        return (
            f"The step has the right direction but the size of learning rate {used:.4g}, while learning_rate="
            f"{arguments['learning_rate']:g} was passed: use the learning_rate argument, not a constant."
        )
    return ""


def check_gradient_step(got: dict[str, Any]) -> None:
    """Fail when training_step did not take its gradient with tf.GradientTape, or used a library optimizer."""
    usage = required(got, "usage", "the count of tapes and optimizers training_step used")
    if required(usage, "optimizers", "the count of optimizers training_step used"):
        fail(
            "training_step used a Keras or TensorFlow optimizer; the exercise is to write the gradient-descent update"
            " yourself, so an optimizer does not earn these points.",
            hint="Compute the gradients with tape.gradient(loss, [W, b]), then W.assign_sub(learning_rate * gradient_of_W).",
        )
    if required(usage, "tape_gradients", "the count of GradientTape gradients training_step took") < 1:
        fail(
            "training_step took no gradient with tf.GradientTape; the exercise is one gradient-descent step computed with"
            " a tape, so a closed-form solution or a gradient of your own does not earn these points.",
            hint="Compute the loss inside `with tf.GradientTape() as tape:`, then tape.gradient(loss, [W, b]).",
        )


def test_returns_loss_before_update(student: ExerciseCalls, reference: BoundReference, spec: ExerciseSpec) -> None:
    """The returned value is the loss at W0, b0: computed before the update."""
    for index, seed in enumerate(spec.seeds):
        # The learning rate goes by position, then by keyword (with the student's own parameter names).
        arguments = dict(_step_inputs(seed), keywords=index % 2 == 1)
        got = student.call("one_step", **arguments)
        expected = reference.call("one_step", **arguments)
        with noting(got.get("notes") or []):
            _check_loss_before_update(arguments, got, expected, spec)


def _check_loss_before_update(
    arguments: dict[str, Any], got: dict[str, Any], expected: dict[str, Any], spec: ExerciseSpec
) -> None:
    check_gradient_step(got)
    loss = value_of(required(got, "loss", "training_step's return value"), "training_step's return value")
    if loss.size != 1:
        fail(f"training_step returned an array of shape {tuple(loss.shape)}; return the scalar loss.")
    loss_after = linear_loss(arguments["inputs"], arguments["targets"], got["W"], got["b"])
    hint = ""
    if is_close(loss.reshape(()), np.float64(loss_after)) and not is_close(
        np.float64(loss_after), value_of(expected["loss"], "the reference loss")
    ):
        hint = "You returned the loss after the update: return the loss computed inside the tape, before assign_sub."
    check_close(
        loss.reshape(()),
        value_of(expected["loss"], "the reference loss"),
        rtol=spec.rtol,
        atol=spec.atol,
        what="the loss training_step returned",
        hint=hint,
    )


def test_one_step_matches_gradient_descent(
    student: ExerciseCalls, reference: BoundReference, spec: ExerciseSpec
) -> None:
    """After one step, W and b equal W0 - learning_rate * gradient, for the learning rate passed."""
    for index, seed in enumerate(spec.seeds):
        arguments = dict(_step_inputs(seed), keywords=index % 2 == 0)
        got = student.call("one_step", **arguments)
        expected = reference.call("one_step", **arguments)
        with noting(got.get("notes") or []):
            _check_one_step(arguments, got, expected, spec)


def _check_one_step(
    arguments: dict[str, Any], got: dict[str, Any], expected: dict[str, Any], spec: ExerciseSpec
) -> None:
    check_gradient_step(got)
    hint = _step_hint(arguments, got, expected)
    check_close(got["W"], expected["W"], rtol=spec.rtol, atol=spec.atol, what="W after one step", hint=hint)
    check_close(got["b"], expected["b"], rtol=spec.rtol, atol=spec.atol, what="b after one step", hint=hint)


def test_updates_variables_in_place(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """The caller's own Variables W and b change, and no new tf.Variable is made."""
    arguments = _step_inputs(spec.seeds[0])
    got = student.call("one_step", **arguments)
    check_gradient_step(got)
    hint = "Update the Variables you were given in place, with W.assign_sub(...) and b.assign_sub(...)."
    if required(got, "variables_created", "the count of Variables training_step created"):
        fail(
            f"training_step created {got['variables_created']} new tf.Variable(s) instead of updating W and b.",
            hint=hint,
        )
    unchanged = [name for name, start in (("W", "W0"), ("b", "b0")) if np.array_equal(got[name], arguments[start])]
    if unchanged:
        fail(f"After training_step, the caller's {' and '.join(unchanged)} had not changed.", hint=hint)


def test_works_inside_tf_function(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """Wrapped in tf.function, training_step gives the same loss and update as it does eagerly."""
    arguments = _step_inputs(spec.seeds[-1])
    eager = student.call("one_step", **arguments)
    graph = student.call("one_step", use_tf_function=True, **arguments)
    check_gradient_step(eager)
    check_gradient_step(graph)
    hint = "Inside tf.function, use TensorFlow ops only: no .numpy(), no Python floats of tensors, no new Variables."
    for name in ("W", "b"):
        check_close(
            graph[name],
            eager[name],
            rtol=spec.rtol,
            atol=spec.atol,
            what=f"{name} after a step inside tf.function",
            hint=hint,
        )
    if eager["loss"].get("kind") != "none":
        check_close(
            value_of(graph["loss"], "the loss inside tf.function").reshape(-1),
            value_of(eager["loss"], "the loss").reshape(-1),
            rtol=spec.rtol,
            atol=spec.atol,
            what="the loss inside tf.function",
            hint=hint,
        )


def test_converges_on_point_clouds(student: ExerciseCalls, reference: BoundReference, spec: ExerciseSpec) -> None:
    """From each seed, training on the notes' point clouds reaches the reference's loss and 97% accuracy."""
    for seed in spec.seeds:
        check_convergence(student, reference, seed)


def check_convergence(student: ExerciseCalls, reference: BoundReference, seed: int) -> None:
    """Train from one seed's data and start; fail unless the reference's level and 97% are reached."""
    inputs, targets = point_clouds(seed)
    rng = np.random.default_rng(seed)
    arguments = {
        "inputs": inputs,
        "targets": targets,
        "W0": rng.uniform(size=(2, 1)).astype(np.float32),
        "b0": np.zeros((1,), dtype=np.float32),
        "learning_rate": CONVERGENCE_LEARNING_RATE,
        "steps": CONVERGENCE_STEPS,
    }
    got = student.call("train", **arguments)
    expected = reference.call("train", **arguments)
    with noting(got.get("notes") or []):
        _check_trained(inputs, targets, arguments, got, expected, seed)


def _check_trained(
    inputs: np.ndarray,
    targets: np.ndarray,
    arguments: dict[str, Any],
    got: dict[str, Any],
    expected: dict[str, Any],
    seed: int,
) -> None:
    check_gradient_step(got)
    final = linear_loss(inputs, targets, got["W"], got["b"])
    target = linear_loss(inputs, targets, expected["W"], expected["b"])
    accuracy = linear_accuracy(inputs, targets, got["W"], got["b"])
    where = f"after {CONVERGENCE_STEPS} steps at learning rate {CONVERGENCE_LEARNING_RATE} from seed {seed}"
    if not np.isfinite(final) or final > 1.05 * target + 1e-3:
        losses = got["losses"]
        grew = np.isfinite(losses).all() and losses.size > 1 and losses[-1] > losses[0]
        if np.array_equal(got["W"], arguments["W0"]) and np.array_equal(got["b"], arguments["b0"]):
            fail(
                f"W and b never changed {where}.",
                hint="Update the Variables you were given in place, with W.assign_sub(...) and b.assign_sub(...).",
            )
        fail(
            f"The loss is {final:.4g} {where}; the reference reaches {target:.4g}.",
            hint=(
                "The loss grew or exploded: subtract the gradient (assign_sub) and use the learning_rate passed."
                if grew or not np.isfinite(final)
                else "The loss falls too slowly: check that you step with learning_rate * gradient on both W and b."
            ),
        )
    if accuracy < MINIMUM_ACCURACY:
        fail(
            f"The trained classifier has accuracy {accuracy:.1%} {where}; at least {MINIMUM_ACCURACY:.0%} is expected."
        )
