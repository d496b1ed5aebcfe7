"""Grading suite for `constant_tensors(shape, seed)` and `update_variable(...)` in tensors.py.

`constant_tensors` returns `(ones, zeros, normal)`, three float32 tensors of the given shape;
the normal one is drawn with the given seed: the same seed gives the same values, different
seeds different ones. Shapes of rank 0 to 4, and empty ones, are drawn from the exercise's
seeds. `update_variable` assigns `values`, adds `increment` and sets entry `[0, 0]` of the
Variable it is given, and returns that same Variable; its value is compared with the
reference's on Variables of several shapes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.grading import BoundReference, ExerciseCalls, ExerciseSpec, check_close, fail, is_close, value_of

NAMES = ("ones", "zeros", "normal")
HINT_NUMPY = (
    "np.ones and np.zeros make float64 NumPy arrays: build the tensors with tf.ones, tf.zeros and tf.random.normal."
)
HINT_SEED = "Pass the seed to the random operation, tf.random.normal(shape=shape, seed=seed), so that the seed decides the values."
HINT_NEW_VARIABLE = (
    "You created a new tf.Variable: call assign, assign_add and the slice's assign on the Variable you were given,"
    " and return it, so that whoever holds it sees the change."
)


def _shapes(seed: int) -> list[tuple[int, ...]]:
    """The notes' (3, 1), a scalar, an empty shape and random shapes of rank 1 to 4."""
    rng = np.random.default_rng(seed)
    shapes: list[tuple[int, ...]] = [(3, 1), (), (0, 3)]
    for rank in (1, 2, 3, 4):
        shapes.append(tuple(int(n) for n in rng.integers(1, 6, size=rank)))
    return shapes


def _tensors(student: ExerciseCalls, shape: tuple[int, ...], seed: int, *, fresh: bool = False) -> list[dict[str, Any]]:
    """The three results of the student's constant_tensors (`fresh`: called again, not the grading's earlier answer),
    or a failure when there are not three."""
    answer = student.call("constant_tensors", fresh=fresh, shape=list(shape), seed=seed)
    items = answer.get("items")
    if items is None:
        returned = answer.get("returned") or {}
        fail(
            f"constant_tensors(shape={shape}, seed={seed}) returned a {returned.get('python_type')}; expected a tuple"
            " (ones, zeros, normal) of three tensors.",
            hint="return ones, zeros, normal" if returned.get("kind") == "none" else "",
        )
    if len(items) != 3:
        fail(
            f"constant_tensors(shape={shape}, seed={seed}) returned {len(items)} values; expected three:"
            " (ones, zeros, normal)."
        )
    return list(items)


def test_returns_three_float32_tensors(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """constant_tensors returns three float32 tf.Tensors of the given shape, for shapes of rank 0 to 4."""
    for shape in _shapes(spec.seeds[0]):
        for name, item in zip(NAMES, _tensors(student, shape, spec.seeds[0]), strict=True):
            where = f"the {name} tensor of constant_tensors(shape={shape}, seed={spec.seeds[0]})"
            if item.get("kind") == "ndarray":
                fail(f"{where} is a NumPy array of dtype {item.get('dtype')}; expected a tf.Tensor.", hint=HINT_NUMPY)
            if item.get("kind") not in ("tensor", "variable"):
                fail(f"{where} is a {item.get('python_type')}; expected a tf.Tensor.")
            if item.get("dtype") != "float32":
                fail(
                    f"{where} has dtype {item.get('dtype')}; expected float32.",
                    hint="tf.ones, tf.zeros and tf.random.normal make float32 tensors unless given another dtype.",
                )
            if tuple(item.get("shape") or ()) != shape:
                fail(
                    f"{where} has shape {tuple(item.get('shape') or ())}; expected {shape}.",
                    hint="Pass the shape you are given as it is: shape=shape.",
                )


def test_ones_and_zeros(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """The first tensor holds only ones and the second only zeros, with the given shape."""
    for seed in spec.seeds:
        for shape in _shapes(seed):
            ones, zeros, _ = _tensors(student, shape, seed)
            call = f"constant_tensors(shape={shape}, seed={seed})"
            check_close(
                value_of(ones, f"the first tensor of {call}"),
                np.ones(shape),
                rtol=0.0,
                atol=0.0,
                what=f"the first tensor (ones) of {call}",
                hint="The first tensor is tf.ones(shape), the second tf.zeros(shape).",
            )
            check_close(
                value_of(zeros, f"the second tensor of {call}"),
                np.zeros(shape),
                rtol=0.0,
                atol=0.0,
                what=f"the second tensor (zeros) of {call}",
                hint="The first tensor is tf.ones(shape), the second tf.zeros(shape).",
            )


def test_normal_is_standard_normal(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """The third tensor, on 20,000 values, has mean 0 and standard deviation 1 and takes negative values."""
    for seed in spec.seeds:
        shape = (100, 200)
        values = value_of(_tensors(student, shape, seed)[2], "the normal tensor").astype(np.float64)
        call = f"constant_tensors(shape={shape}, seed={seed})"
        mean, std = float(values.mean()), float(values.std()) if values.size else float("nan")
        if values.shape != shape or not (abs(mean) < 0.05 and abs(std - 1.0) < 0.05):
            uniform = values.size and values.min() >= 0.0 and values.max() < 1.0
            fail(
                f"the third tensor of {call} has shape {values.shape}, mean {mean:.4f} and standard deviation"
                f" {std:.4f}; expected shape {shape}, mean 0 and standard deviation 1 (within 0.05), the standard"
                " normal distribution.",
                hint="tf.random.uniform draws from [0, 1): use tf.random.normal (mean 0, standard deviation 1)."
                if uniform
                else "",
            )


def test_seed_controls_normal(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """The same seed gives the same normal values, and each of the exercise's seeds different ones."""
    shape = (4, 3)
    draws: dict[int, np.ndarray] = {}
    for seed in spec.seeds:
        first = value_of(_tensors(student, shape, seed)[2], "the normal tensor")
        again = value_of(_tensors(student, shape, seed, fresh=True)[2], "the normal tensor")
        check_close(
            again,
            first,
            rtol=0.0,
            atol=0.0,
            what=f"the normal tensor of constant_tensors(shape={shape}, seed={seed}) called twice from the same start",
            hint=HINT_SEED,
        )
        for other, values in draws.items():
            if values.shape == first.shape and is_close(values, first, rtol=0.0, atol=0.0):
                fail(
                    f"constant_tensors(shape={shape}, ...) gave the same normal values for seed={other} and"
                    f" seed={seed}; expected the seed to decide the values.",
                    hint=HINT_SEED,
                )
        draws[seed] = first


def _update_inputs(seed: int) -> list[dict[str, Any]]:
    """The notes' (3, 1) Variable and random rank-2 ones, with the values, increment and corner value."""
    rng = np.random.default_rng(seed)
    cases = []
    for shape in [(3, 1), (1, 1), tuple(int(n) for n in rng.integers(2, 7, size=2))]:
        cases.append(
            {
                "initial": rng.normal(size=shape).astype(np.float32),
                "values": rng.normal(size=shape).astype(np.float32),
                "increment": rng.uniform(0.5, 2.0, size=shape).astype(np.float32),
                "corner_value": round(float(rng.uniform(-5.0, 5.0)), 3),
            }
        )
    return cases


def _update_hint(case: dict[str, Any], got: np.ndarray) -> str:
    """The known mistake whose result equals what the student's Variable holds, if any."""
    values, increment, corner = case["values"], case["increment"], case["corner_value"]
    mistakes = []
    assigned = increment.copy()
    assigned[0, 0] = corner
    mistakes.append((assigned, "You replaced the value with the increment (assign): add it with assign_add."))
    corner_first = values + increment
    corner_first[0, 0] = corner + increment[0, 0]
    mistakes.append(
        (
            corner_first,
            (
                "You set entry [0, 0] before adding the increment, in the order of the notes' listings: this exercise"
                " asks for it last (see update_variable's docstring), so set it last, after assign_add, and it stays"
                " exactly corner_value."
            ),
        )
    )
    no_corner = values + increment
    mistakes.append(
        (
            no_corner,
            "Entry [0, 0] is not corner_value: set it last, with a slice assignment as in the notes' v[0, 0].assign(3.).",
        )
    )
    mistakes.append(
        (values, "The increment was not added: add it in place with the Variable's assign_add, after the assign.")
    )
    for wrong, hint in mistakes:
        if np.shape(got) == np.shape(wrong) and is_close(got, wrong):
            return hint
    return ""


def _update(student: ExerciseCalls, case: dict[str, Any]) -> dict[str, Any]:
    return student.call("update_variable", **case)


def test_returns_the_same_variable(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """update_variable returns the very Variable it was given, not a new one or a tensor."""
    for case in _update_inputs(spec.seeds[0]):
        answer = _update(student, case)
        returned = answer["returned"]
        where = f"update_variable on a Variable of shape {case['initial'].shape}"
        if returned.get("kind") == "none":
            fail(f"{where} returned None; expected the Variable itself.", hint="End with `return variable`.")
        if answer.get("same_object") is not True:
            fail(
                f"{where} returned a {returned.get('python_type')} that is not the Variable it was given; expected the"
                " same Variable object, updated in place.",
                hint=HINT_NEW_VARIABLE
                if returned.get("kind") == "variable"
                else "Return the Variable itself, not its value (no .numpy(), tf.identity or tf.convert_to_tensor).",
            )


def test_updates_in_place(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """After the call, the Variable that was passed in holds what update_variable returned (it changed in place)."""
    for seed in spec.seeds:
        for case in _update_inputs(seed):
            answer = _update(student, case)
            returned = value_of(answer["returned"], "update_variable")
            held = value_of(answer["variable"], "the Variable passed to update_variable")
            check_close(
                held,
                returned,
                rtol=0.0,
                atol=0.0,
                what=f"the Variable passed to update_variable (shape {case['initial'].shape}) after the call,"
                " against what update_variable returned",
                hint=HINT_NEW_VARIABLE,
            )


def test_updated_value_matches_reference(student: ExerciseCalls, reference: BoundReference, spec: ExerciseSpec) -> None:
    """The value update_variable returns equals the reference's: values + increment, then entry [0, 0] set."""
    for seed in spec.seeds:
        for case in _update_inputs(seed):
            expected = value_of(reference.call("update_variable", **case)["returned"], "the reference")
            got = value_of(_update(student, case)["returned"], "update_variable")
            check_close(
                got,
                expected,
                rtol=spec.rtol,
                atol=spec.atol,
                what=f"update_variable on a Variable of shape {case['initial'].shape} with corner_value"
                f" {case['corner_value']}",
                hint=_update_hint(case, got),
            )
