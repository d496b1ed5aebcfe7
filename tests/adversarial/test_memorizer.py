"""A lookup table of the public inputs earns full marks in the release and loses points on every exercise that counts.

The memorizer (tests/adversarial/memorizer.py) first records the fingerprint of every input the
public grading hands it (at the rlimits level, where its code may write a file, as a student's
own machine lets it), then replays: the reference's answer on a recorded input, a spoiled one on
any other. On the public inputs it must earn every point (else the table would prove nothing);
on the instructor's inputs (`grade batch`, the Gradescope autograder) it must lose points in
every exercise, with messages that give away none of the instructor's inputs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.course.config import Course
from grader.grading.inputs import PUBLIC_INPUTS, InputPlan
from grader.grading.reference import Reference
from grader.grading.runner import grade
from grader.results import GradeResult, Inputs
from grader.sandbox.isolation import ISOLATION_VARIABLE, RLIMITS, detect_isolation
from tests.adversarial.memorizer import memorizer_submission
from tests.conftest import counted_inputs


def record(
    folder: Path,
    course: Course,
    reference: Reference,
    *,
    inputs: InputPlan = PUBLIC_INPUTS,
    exercise_ids: list[str] | None = None,
    minimum: int = 100,
) -> frozenset[str]:
    """The fingerprints of every input a grading on `inputs` hands the memorizer, recorded by its own code."""
    if os.geteuid() != 0:
        pytest.skip("recording needs the rlimits level, which runs student code as a leased uid (root only)")
    record_path = folder / "inputs.txt"
    # The rlimits level runs student code as an unprivileged user: on a student's own machine the file is theirs.
    folder.mkdir(parents=True, exist_ok=True)
    record_path.touch()
    record_path.chmod(0o666)
    submission = memorizer_submission(folder / "submission", mode="record", record_path=record_path)
    saved = os.environ.get(ISOLATION_VARIABLE)
    os.environ[ISOLATION_VARIABLE] = RLIMITS
    detect_isolation.cache_clear()
    try:
        recorded = grade(
            course=course, submission_dir=submission, reference=reference, inputs=inputs, exercise_ids=exercise_ids
        )
    finally:
        if saved is None:
            os.environ.pop(ISOLATION_VARIABLE, None)
        else:
            os.environ[ISOLATION_VARIABLE] = saved
        detect_isolation.cache_clear()
    assert recorded.score == recorded.max_score, "recording runs the reference's own answers"
    lines = record_path.read_text(encoding="utf-8").splitlines()
    assert len(lines) > minimum, f"the memorizer recorded only {len(lines)} calls"
    return frozenset(lines)


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory, course: Course, reference: Reference) -> Iterator[frozenset[str]]:
    """The fingerprints of every public input, recorded during what a release grades (no hidden test)."""
    yield record(tmp_path_factory.mktemp("memorizer-record"), course.without_hidden_tests(), reference)


@pytest.fixture(scope="module")
def replay(tmp_path_factory: pytest.TempPathFactory, table: frozenset[str]) -> Path:
    folder = tmp_path_factory.mktemp("memorizer-replay")
    return memorizer_submission(folder / "submission", mode="replay", record_path=folder / "unused", table=table)


# The tests a spoiled answer can pass: types, shapes, identities and counts; SimpleDense's initial weights
# (its `build` is not wrapped) and its training inside a Sequential (symbolic calls, which the table answers
# correctly); build_model (no inputs to look up).
STRUCTURAL = frozenset(
    {
        "square_loss::returns_scalar_float32_tensor",
        "training_step::updates_variables_in_place",
        "simple_dense::no_weights_before_first_call",
        "simple_dense::weight_shapes_after_first_call",
        "simple_dense::initial_weight_values",
        "simple_dense::trains_inside_sequential",
        "acceleration::returns_float32_scalar_tensor",
        "split_validation::returns_numpy_arrays",
        "split_validation::sizes_are_exact",
        "split_validation::split_is_shuffled",
        "split_validation::seed_controls_the_split",
        "tensors_and_variables::returns_three_float32_tensors",
        "tensors_and_variables::seed_controls_normal",
        "tensors_and_variables::returns_the_same_variable",
        "tensors_and_variables::updates_in_place",
        "first_derivative::returns_float32_tensor_of_point_shape",
        "perceptron::dense_returns_float32_tensor",
        "perceptron::collapse_returns_pair_of_shapes",
        "keras_model::build_model_returns_uncompiled_sequential",
        "keras_model::build_model_outputs_one_score",
        "keras_model::build_model_trains_on_point_clouds",
        "keras_model::history_has_every_epoch",
        "sequential_add_pop::no_weights_before_build",
        "sequential_add_pop::activation_on_every_layer",
        "sequential_add_pop::pop_keeps_the_same_model",
        "layer_shapes::returns_tuples_of_ints",
    }
)
# Numbers the tests' own public sentences hold: the notes' position 4.9 * t**2.
PUBLIC_NUMBERS = frozenset({"4.9"})
NUMBER = re.compile(r"\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def _revealing(number: str) -> bool:
    """Whether a number in a message could be an input's value: a fraction of two significant digits or more,
    or an integer of five digits or more (a derived seed)."""
    if number in PUBLIC_NUMBERS:
        return False
    mantissa = number.split("e")[0]
    if "." not in mantissa and "e" not in number:
        return len(mantissa) >= 5
    return len(mantissa.replace(".", "").strip("0")) >= 2


def _lost(result: GradeResult) -> dict[str, list[str]]:
    return {
        exercise.id: [test.name for test in exercise.tests if test.score < test.max_score]
        for exercise in result.exercises
    }


def test_memorizer_earns_full_marks_on_the_public_inputs(course: Course, reference: Reference, replay: Path) -> None:
    """On the inputs the release shows, the lookup table is worth every point: what a student sees in `grade check`."""
    result = grade(course=course.without_hidden_tests(), submission_dir=replay, reference=reference)
    assert {test.inputs for _, test in result.tests} == {Inputs.PUBLIC}
    assert result.score == result.max_score, _lost(result)


def test_memorizer_loses_points_in_every_exercise_on_instructor_inputs(
    course: Course, reference: Reference, replay: Path
) -> None:
    """On the instructor's inputs the table holds nothing: every exercise loses points, and no message shows an input."""
    result = grade(course=course, submission_dir=replay, reference=reference, inputs=counted_inputs())
    assert {test.inputs for _, test in result.tests} == {Inputs.INSTRUCTOR}
    lost = _lost(result)
    assert all(lost[exercise.id] for exercise in course.exercises), lost
    # Every test that compares a value with the reference's loses: what still passes checks only a type, a
    # shape, an identity or a count, which a spoiled answer keeps (or calls the table cannot fingerprint).
    kept = {f"{exercise.id}::{test.name}" for exercise, test in result.tests if test.score == test.max_score}
    assert kept <= STRUCTURAL, sorted(kept - STRUCTURAL)
    for exercise, test in result.tests:
        if test.score < test.max_score:
            # A value is never shown: ranges are rounded to one significant digit, integers (shapes, counts) are
            # short; the tolerances are course.toml's, public.
            shown = re.sub(r"rtol=\S+, atol=\S+", "", f"{test.message} {test.hint}")
            revealing = [number for number in NUMBER.findall(shown) if _revealing(number)]
            assert not revealing, (exercise.id, test.name, revealing, shown)
            assert test.detail, (exercise.id, test.name)
    # The instructor's own record keeps what failed and on which values.
    assert any(re.search(r"\d\.\d", test.detail) for _, test in result.tests if test.detail)
    # The students' copy of the result carries no detail.
    assert all(not test.detail for _, test in result.for_students().tests)


# A few exercises of other kinds (a loss, second derivatives, Keras shapes): the derivation is one for all.
PER_STUDENT_EXERCISES = ["square_loss", "acceleration", "layer_shapes"]


def test_a_table_of_one_students_inputs_does_not_transfer_under_per_student(
    tmp_path: Path, course: Course, reference: Reference
) -> None:
    """--per-student: a table of ana's instructor inputs (were they leaked) earns ana every point and loses for ben."""
    ana, ben = counted_inputs("ana"), counted_inputs("ben")
    only = {"exercise_ids": PER_STUDENT_EXERCISES}
    table = record(tmp_path / "record", course, reference, inputs=ana, minimum=20, **only)
    replay = memorizer_submission(tmp_path / "replay", mode="replay", record_path=tmp_path / "unused", table=table)
    own = grade(course=course, submission_dir=replay, reference=reference, inputs=ana, **only)
    assert own.score == own.max_score, _lost(own)
    other = grade(course=course, submission_dir=replay, reference=reference, inputs=ben, **only)
    lost = _lost(other)
    assert all(lost[exercise] for exercise in PER_STUDENT_EXERCISES), lost
