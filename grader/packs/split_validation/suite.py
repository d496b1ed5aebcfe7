"""Grading suite for `split_validation(inputs, targets, validation_fraction=0.3, seed=None)` in validation.py.

One shared shuffle of the samples; the first `int(validation_fraction * len(inputs))` shuffled
samples are the validation part, the rest the training part, returned as NumPy arrays:
`(train_inputs, train_targets), (val_inputs, val_targets)`. Each input row carries its sample's
number, and each target is a function of it, so every check here is exact.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.grading import ExerciseCalls, ExerciseSpec, FailureKind, SubmissionFailure, fail, required, value_of

PARTS = ("train_inputs", "train_targets", "val_inputs", "val_targets")
HINT_SHUFFLE = (
    "Shuffle before splitting: permutation = np.random.default_rng(seed).permutation(len(inputs)), then index with it."
)
HINT_PERMUTATION = (
    "Inputs and targets were shuffled differently: draw one permutation and use it for both, inputs[p] and targets[p]."
)
HINT_SEED = (
    "Draw the permutation from the seed you are given: rng = np.random.default_rng(seed); rng.permutation(len(inputs))."
)


# The shape of one sample's input, per rank of the inputs: rank 1 holds the sample's number alone.
SAMPLE_SHAPES: dict[int, tuple[int, ...]] = {1: (), 2: (2,), 3: (2, 3), 4: (2, 2, 2)}


def data(seed: int, samples: int, input_rank: int = 2, target_rank: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Inputs (samples, ...) of the given rank whose first element is the sample's number, the rest random;
    targets 3 * number + 1, of shape (samples,) or (samples, 1)."""
    numbers = np.arange(samples, dtype=np.float32)
    shape = (samples, *SAMPLE_SHAPES[input_rank])
    inputs = np.random.default_rng(seed).normal(size=shape).astype(np.float32)
    flat = inputs.reshape(samples, -1)
    flat[:, 0] = numbers
    targets = 3 * numbers + 1
    return flat.reshape(shape), (targets if target_rank == 1 else targets.reshape(-1, 1))


def numbers_of(part: np.ndarray) -> np.ndarray:
    """The sample numbers of an inputs part."""
    return part.reshape(part.shape[0], -1)[:, 0] if part.size else np.zeros(0)


def _split(
    student: ExerciseCalls,
    inputs: np.ndarray,
    targets: np.ndarray,
    fraction: float,
    seed: int | None,
    seed_form: str = "int",
    *,
    fresh: bool = False,
) -> dict[str, Any]:
    """The student's split (`fresh`: called again, not the grading's earlier answer to the same request)."""
    return student.call(
        "call",
        fresh=fresh,
        inputs=inputs,
        targets=targets,
        validation_fraction=fraction,
        seed=None if seed is None else int(seed),
        seed_form=seed_form,
    )


def _arrays(result: dict[str, Any], where: str, inputs: np.ndarray, targets: np.ndarray) -> dict[str, np.ndarray]:
    """The four parts as arrays, each inputs part of shape (k, *inputs.shape[1:]) and its targets (k, *targets.shape[1:])."""
    arrays = {
        name: value_of(required(result, name, f"split_validation's {name}"), f"split_validation's {name}")
        for name in PARTS
    }
    for part in ("train", "val"):
        got_inputs, got_targets = arrays[f"{part}_inputs"], arrays[f"{part}_targets"]
        k = got_inputs.shape[0] if got_inputs.ndim else -1
        if got_inputs.shape != (k, *inputs.shape[1:]) or got_targets.shape != (k, *targets.shape[1:]):
            fail(
                f"split_validation returned {part}_inputs of shape {tuple(got_inputs.shape)} and {part}_targets of shape"
                f" {tuple(got_targets.shape)} {where}; expected (k, {', '.join(map(str, inputs.shape[1:]))}) and"
                f" (k, {', '.join(map(str, targets.shape[1:]))}) with the same k: select whole samples"
                " (along the first axis) and keep the other dimensions.".replace("(k, )", "(k,)"),
                hint="Index the first axis only, inputs[indices] and targets[indices], with the same indices for both;"
                " this works for inputs and targets of any rank.",
            )
    return arrays


def test_returns_numpy_arrays(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """All four returned parts are np.ndarray."""
    inputs, targets = data(spec.seeds[0], 20)
    result = _split(student, inputs, targets, 0.3, spec.seeds[0])
    for name in PARTS:
        if required(result, name, f"split_validation's {name}").get("kind") != "ndarray":
            fail(
                f"split_validation returned a {result[name].get('python_type')} as {name} for NumPy inputs of shape"
                " (20, 2); expected a np.ndarray.",
                hint="NumPy in, NumPy out: index the NumPy arrays you are given; do not convert to tensors or lists.",
            )


def _sizes(result: dict[str, Any]) -> dict[str, int]:
    sizes = {}
    for name in PARTS:
        shape = required(result, name, f"split_validation's {name}").get("shape")
        if not shape:
            fail(f"split_validation returned {name} of shape {tuple(shape or ())}; expected an array of samples.")
        sizes[name] = int(shape[0])
    return sizes


def size_cases(spec: ExerciseSpec) -> list[tuple[int, float]]:
    """(samples, validation_fraction) pairs drawn from the exercise's seeds: usual sizes, a single validation
    sample, two samples, fractions near 1, and products whose fractional part is above one half (where round()
    and int() disagree). No fixed list: a table of the public pairs is worth nothing on other seeds."""
    rng = np.random.default_rng(spec.seeds[0] + 3000)
    cases = [(int(rng.integers(10, 101)), round(float(rng.uniform(0.1, 0.6)), 2)) for _ in range(9)]
    single = int(rng.integers(6, 16))
    cases.append((single, round(1.5 / single, 3)))  # int(f * n) == 1
    cases.append((2, round(float(rng.uniform(0.5, 0.95)), 2)))  # one sample in each part
    cases += [(int(rng.integers(7, 31)), round(float(rng.uniform(0.85, 0.95)), 2)) for _ in range(2)]
    while len(cases) < 16:
        samples, fraction = int(rng.integers(7, 41)), round(float(rng.uniform(0.15, 0.45)), 2)
        if 0.55 < (fraction * samples) % 1 < 0.95:
            cases.append((samples, fraction))
    return cases


def test_sizes_are_exact(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """For n from 2 to 100 and fractions from 0.1 to 0.95, with a seed or None: int(f * n) validation samples, the rest for training."""
    wrong = []
    pairs = size_cases(spec)
    for index, (samples, fraction) in enumerate(pairs):
        # The seed, in turn: one of the exercise's, None (a random split), a NumPy integer.
        # The seed, in turn: one of the exercise's, or None (a random split). NumPy integers are
        # graded by seed_controls_the_split alone, so that refusing them costs those points only.
        seed: int | None = None if index % 3 == 2 else spec.seeds[index % len(spec.seeds)]
        sizes = _sizes(_split(student, *data(spec.seeds[0], samples), fraction, seed))
        val, train = int(fraction * samples), samples - int(fraction * samples)
        if sizes != {"train_inputs": train, "train_targets": train, "val_inputs": val, "val_targets": val}:
            wrong.append((samples, fraction, val, train, sizes))
    if not wrong:
        return
    hint = "The validation part holds the first int(validation_fraction * len(inputs)) shuffled samples, the training part the rest."
    if all(sizes["val_inputs"] == train and sizes["train_inputs"] == val for _, _, val, train, sizes in wrong):
        hint = "The parts are swapped: return (train_inputs, train_targets), (val_inputs, val_targets), the smaller validation part second."
    elif all(sizes["val_inputs"] == int(0.3 * samples) for samples, _, _, _, sizes in wrong):
        hint = "Use the validation_fraction passed, not the default 0.3."
    elif all(abs(sizes["val_inputs"] - val) == 1 for _, _, val, _, sizes in wrong):
        hint = "The validation size is off by one: use int(validation_fraction * len(inputs)), rounded down (not round() or ceil)."
    samples, fraction, val, train, sizes = wrong[0]
    fail(
        f"split_validation on {samples} samples with validation_fraction={fraction} returned parts of"
        f" {sizes['train_inputs']} and {sizes['train_targets']} training inputs and targets and"
        f" {sizes['val_inputs']} and {sizes['val_targets']} validation inputs and targets; expected {train} training"
        f" and {val} validation samples ({len(wrong)} of {len(pairs)} sizes were wrong).",
        hint=hint,
    )


def test_parts_are_disjoint_and_complete(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """Every sample appears exactly once across both parts, its input row whole and its target still paired with it."""
    # (input rank, target rank) per case: the notes' (N, 2) and (N, 1) first, then every other rank.
    ranks = [(2, 2), (1, 1), (3, 2), (4, 1)]
    seeds = [*spec.seeds, spec.seeds[0] + 1]
    for seed, (input_rank, target_rank) in zip(seeds, ranks):
        rng = np.random.default_rng(seed)
        samples, fraction = int(rng.integers(20, 80)), round(float(rng.uniform(0.1, 0.6)), 2)
        inputs, targets = data(seed, samples, input_rank, target_rank)
        where = (
            f"on {samples} samples with validation_fraction={fraction}, inputs of shape {tuple(inputs.shape)}"
            f" and targets of shape {tuple(targets.shape)}"
        )
        parts = _arrays(_split(student, inputs, targets, fraction, seed), where, inputs, targets)
        rows = np.concatenate([parts["train_inputs"], parts["val_inputs"]]).astype(np.float64)
        got_targets = np.concatenate([parts["train_targets"], parts["val_targets"]]).astype(np.float64).ravel()
        numbers = numbers_of(rows)
        known = np.isin(numbers, np.arange(samples))
        counts = np.bincount(numbers[known].astype(int), minlength=samples)
        if not known.all() or (counts != 1).any():
            fail(
                f"split_validation {where} returned {rows.shape[0]} samples: {int((counts > 1).sum())} of them more than"
                f" once, {int((counts == 0).sum())} missing and {int((~known).sum())} unknown; expected each of the"
                f" {samples} samples exactly once, in one part or the other.",
                hint="Split one permutation of all the samples: the validation part takes its first k, the training part the rest.",
            )
        index = numbers.astype(int)
        if not np.array_equal(rows, inputs[index].astype(np.float64)):
            fail(
                f"split_validation {where} returned input rows that were changed; expected the original rows, whole.",
                hint="Select whole rows with inputs[permutation]: do not shuffle or modify inside a row.",
            )
        paired = got_targets == targets[index].astype(np.float64).ravel()
        if not paired.all():
            complete = np.array_equal(np.sort(got_targets), np.sort(targets.astype(np.float64).ravel()))
            fail(
                f"split_validation {where} returned {int((~paired).sum())} of {samples} samples whose target is no longer"
                " the one of their input; every target must stay with its input.",
                hint=HINT_PERMUTATION
                if complete
                else "Index targets with the same permutation as inputs, and keep every target.",
            )


def test_split_is_shuffled(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """On class-sorted data (class 0, then class 1) the validation inputs hold both classes, and neither part keeps the original order.

    Classes are told from the input rows, so a target shuffled apart from its input is graded by parts_are_disjoint_and_complete only.
    """
    for seed in spec.seeds:
        half = int(np.random.default_rng(seed).integers(30, 60))
        inputs, _ = data(seed, 2 * half)
        classes = np.repeat(np.array([0.0, 1.0], dtype=np.float32), half).reshape(-1, 1)
        where = (
            f"on {2 * half} samples sorted by class (first {half} of class 0, then {half} of class 1), with seed {seed}"
        )
        parts = _arrays(_split(student, inputs, classes, 0.3, seed), where, inputs, classes)
        found = sorted({float(value) for value in (parts["val_inputs"][:, 0] >= half).astype(np.float64)})
        if found != [0.0, 1.0]:
            fail(
                f"split_validation {where} returned a validation part of classes {found} only; a shuffled split holds"
                " both classes.",
                hint=HINT_SHUFFLE,
            )
        for part in ("train", "val"):
            numbers = parts[f"{part}_inputs"][:, 0]
            if numbers.size > 1 and np.all(np.diff(numbers) > 0):
                fail(
                    f"split_validation {where} returned the {part} samples in their original order; expected a shuffled order.",
                    hint=HINT_SHUFFLE,
                )


def _split_with(
    student: ExerciseCalls, inputs: np.ndarray, targets: np.ndarray, seed: int, seed_form: str, *, fresh: bool = False
) -> dict[str, Any]:
    """A split with a seed of the given form; a NumPy integer refused is named as such."""
    if seed_form != "numpy":
        return _split(student, inputs, targets, 0.3, seed, seed_form, fresh=fresh)
    try:
        return _split(student, inputs, targets, 0.3, seed, seed_form, fresh=fresh)
    except SubmissionFailure as failure:
        if failure.kind != FailureKind.EXCEPTION:
            raise
        fail(
            f"split_validation failed when the seed was the NumPy integer np.int64({seed}): {failure.message}",
            hint="Seeds may be NumPy integers (np.int64) as well as Python ints: np.random.default_rng(seed) takes both;"
            " with random.Random or random.seed, pass int(seed).",
        )


def test_seed_controls_the_split(student: ExerciseCalls, spec: ExerciseSpec) -> None:
    """The same seed twice gives identical parts (seed 0, a large seed and a NumPy integer included); two different seeds give different validation parts."""
    inputs, targets = data(spec.seeds[0], 50)
    where = "on 50 samples"
    for seed, seed_form in ((spec.seeds[0], "int"), (0, "int"), (2**31 - 1, "int"), (spec.seeds[1], "numpy")):
        first = _arrays(_split_with(student, inputs, targets, seed, seed_form), where, inputs, targets)
        again = _arrays(_split_with(student, inputs, targets, seed, seed_form, fresh=True), where, inputs, targets)
        changed = [name for name in PARTS if not np.array_equal(first[name], again[name])]
        if changed:
            kind = " (a NumPy integer)" if seed_form == "numpy" else ""
            hint = HINT_SEED
            if seed == 0:
                hint = (
                    "Seed 0 is a seed like any other: test `if seed is not None:`, not `if seed:`, which is false for 0."
                    " " + HINT_SEED
                )
            fail(
                f"split_validation {where} gave different {', '.join(changed)} on two calls with the same seed"
                f" {seed}{kind}; the same seed must give the same split.",
                hint=hint,
            )
    first = _arrays(_split(student, inputs, targets, 0.3, spec.seeds[0]), where, inputs, targets)
    other = _arrays(_split(student, inputs, targets, 0.3, spec.seeds[1]), where, inputs, targets)
    if np.array_equal(first["val_inputs"], other["val_inputs"]):
        numbers = numbers_of(first["val_inputs"])
        unshuffled = numbers.size > 1 and bool(np.all(np.diff(numbers) > 0))
        fail(
            f"split_validation on 50 samples gave the same validation part with seeds {spec.seeds[0]} and {spec.seeds[1]};"
            " different seeds must give different splits.",
            hint=HINT_SHUFFLE if unshuffled else HINT_SEED + " Do not fix a seed of your own.",
        )
