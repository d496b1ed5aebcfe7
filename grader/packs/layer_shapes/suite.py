"""Grading suite for `dense_output_shape(input_shape, units)` and
`lstm_output_shape(input_shape, units, return_sequences)` in layer_shapes.py.

Each function answers with the shape a freshly built layer returns, as a tuple of Python ints.
The input shapes (Dense: ranks 2 to 4; LSTM: `(batch, timesteps, features)`) and the units are
drawn from the exercise's seeds, and the student's answers are compared with the reference's on
the same shapes. The batch axis is checked on its own (`keeps_the_batch_size`), so the other
tests compare the axes after it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.grading import BoundReference, ExerciseCalls, ExerciseSpec, fail

HINT_TUPLE = "Return tuple(int(size) for size in outputs.shape): a tuple of Python ints, not a TensorShape or a list."


def dense_cases(spec: ExerciseSpec, ranks: tuple[int, ...]) -> list[dict[str, Any]]:
    """One Dense case per seed and rank: a batch of 1 to 8, axes of 1 to 6, 1 to 9 units."""
    found = []
    for seed in spec.seeds:
        rng = np.random.default_rng(seed)
        for rank in ranks:
            shape = [int(rng.integers(1, 9)), *(int(size) for size in rng.integers(1, 7, size=rank - 1))]
            found.append({"input_shape": shape, "units": int(rng.integers(1, 10))})
    return found


def lstm_cases(spec: ExerciseSpec, return_sequences: bool) -> list[dict[str, Any]]:
    """One LSTM case per seed: (batch 1 to 8, timesteps 1 to 6, features 1 to 5), 1 to 9 units."""
    found = []
    for seed in spec.seeds:
        rng = np.random.default_rng(seed + 1)
        shape = [int(rng.integers(1, 9)), int(rng.integers(1, 7)), int(rng.integers(1, 6))]
        found.append({"input_shape": shape, "units": int(rng.integers(1, 10)), "return_sequences": return_sequences})
    return found


def call_text(probe: str, arguments: dict[str, Any]) -> str:
    shape = tuple(arguments["input_shape"])
    if probe == "dense":
        return f"dense_output_shape({shape}, units={arguments['units']})"
    return f"lstm_output_shape({shape}, units={arguments['units']}, return_sequences={arguments['return_sequences']})"


def values_of(answer: dict[str, Any], text: str) -> list[int | None]:
    """The returned shape's items; fails when it is not a sequence of numbers."""
    if "values" not in answer:
        fail(f"{text} returned a {answer['python_type']}; expected a tuple of Python ints.", hint=HINT_TUPLE)
    values: list[int | None] = answer["values"]
    return values


def compare(
    student: ExerciseCalls,
    reference: BoundReference,
    probe: str,
    arguments: dict[str, Any],
    hints: dict[tuple[Any, ...], str],
) -> None:
    """The student's shape has the reference's rank and the reference's sizes after the batch axis."""
    text = call_text(probe, arguments)
    got = values_of(student.call(probe, **arguments), text)
    expected = values_of(reference.call(probe, **arguments), "the reference")
    if len(got) == len(expected) and got[1:] == expected[1:]:
        return
    batch = arguments["input_shape"][0]
    default = "Build the layer, call it on np.zeros(input_shape, dtype='float32'), and return the result's shape."
    hint = next(
        (text for wrong, text in hints.items() if len(got) == len(wrong) and got[1:] == list(wrong[1:])), default
    )
    fail(
        f"{text} returned {tuple(got)}; expected {tuple([batch, *expected[1:]])}.",
        hint=hint,
    )


def test_returns_tuples_of_ints(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """Both functions return a tuple whose sizes are Python ints."""
    checks = [("dense", dense_cases(spec, (3,))[0]), ("lstm", lstm_cases(spec, True)[0])]
    for probe, arguments in checks:
        text = call_text(probe, arguments)
        answer = student.call(probe, **arguments)
        values_of(answer, text)
        wrong = [name for name in answer["item_types"] if name not in ("builtins.int", "builtins.NoneType")]
        if not answer["is_tuple"] or wrong:
            fail(
                f"{text} returned a {answer['python_type']} of {answer['item_types']}; expected a tuple of Python ints.",
                hint=HINT_TUPLE,
            )


def test_keeps_the_batch_size(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """The first size of each answer is the input's batch size (a number, not None)."""
    checks = [("dense", case) for case in dense_cases(spec, (2, 3))] + [("lstm", lstm_cases(spec, False)[0])]
    for probe, arguments in checks:
        text = call_text(probe, arguments)
        values = values_of(student.call(probe, **arguments), text)
        batch = arguments["input_shape"][0]
        if not values or values[0] != batch:
            fail(
                f"{text} returned {tuple(values)}, whose first size is {values[0] if values else 'missing'}; expected"
                f" the batch size {batch}.",
                hint="The layer keeps the batch size: call it on an array of the whole input_shape, not on a shape"
                " whose batch is None (compute_output_shape((None, ...)) leaves it unknown)."
                if values and values[0] is None
                else "The first size of the output is the batch size of the input.",
            )


def test_dense_matches_reference_on_rank_2(
    student: ExerciseCalls, reference: BoundReference, spec: ExerciseSpec
) -> None:
    """dense_output_shape on (batch, features) inputs equals the reference's."""
    for arguments in dense_cases(spec, (2,)):
        compare(student, reference, "dense", arguments, {})


def test_dense_matches_reference_on_higher_ranks(
    student: ExerciseCalls, reference: BoundReference, spec: ExerciseSpec
) -> None:
    """dense_output_shape on inputs of rank 3 and 4 equals the reference's: only the last axis changes."""
    for arguments in dense_cases(spec, (3, 4)):
        shape = arguments["input_shape"]
        hints = {
            (shape[0], arguments["units"]): "A Dense layer works along the last axis only and keeps the others:"
            " (batch, d0, d1) becomes (batch, d0, units), not (batch, units)."
        }
        compare(student, reference, "dense", arguments, hints)


def test_lstm_last_output_matches_reference(
    student: ExerciseCalls, reference: BoundReference, spec: ExerciseSpec
) -> None:
    """lstm_output_shape with return_sequences=False equals the reference's."""
    for arguments in lstm_cases(spec, False):
        shape = arguments["input_shape"]
        hints = {
            (shape[0], shape[1], arguments["units"]): "With return_sequences=False an LSTM returns its last output"
            " only, (batch, units): pass return_sequences to the layer."
        }
        compare(student, reference, "lstm", arguments, hints)


def test_lstm_sequences_match_reference(student: ExerciseCalls, reference: BoundReference, spec: ExerciseSpec) -> None:
    """lstm_output_shape with return_sequences=True equals the reference's."""
    for arguments in lstm_cases(spec, True):
        shape = arguments["input_shape"]
        hints = {
            (shape[0], arguments["units"]): "With return_sequences=True an LSTM returns the whole sequence of outputs,"
            " (batch, timesteps, units): pass return_sequences=return_sequences to keras.layers.LSTM."
        }
        compare(student, reference, "lstm", arguments, hints)
