"""Failures on instructor inputs: what the student reads describes the inputs and the failure without a value."""

from __future__ import annotations

import numpy as np

from grader.grading.compare import Mistake
from grader.grading.redaction import SECRET_NOTE, describe_call, describe_value, redact, scrub_numbers
from grader.sandbox.failures import FailureKind, SubmissionFailure

INPUTS = np.array([[0.123456, -2.71828], [3.14159, 0.5]], dtype=np.float32)


def test_an_array_is_described_by_dtype_shape_and_a_rounded_range() -> None:
    """An array reads as its dtype, shape and a range rounded outwards to one significant digit."""
    assert describe_value(INPUTS) == "a float32 array of shape (2, 2) with values in [-3, 4]"
    assert describe_value(np.zeros((0, 3))) == "an empty float64 array of shape (0, 3)"


def test_numbers_and_structures_are_described_without_their_values() -> None:
    """A number reads as its kind and a rounded range, an expression tree as its structure."""
    assert describe_value(0.0371) == "a float between -1 and 1"
    assert describe_value(123.4) == "a float in [0, 2e+02]"
    assert describe_value(0) == "an integer (zero)"
    assert describe_value(["poly", [0.25, -1.5, 4.75]]) == "poly(a list of 3 numbers)"
    assert describe_value("relu") == "'relu'" and describe_value("x" * 40) == "a string"
    assert describe_call("call", {"time": 1.75}) == "the call with time: a float in [0, 2]"


def test_a_mistake_is_told_by_its_summary_and_the_values_stay_out() -> None:
    """A wrong value: the note, the summary, the test's sentence and the inputs' description; no number of the inputs."""
    mistake = Mistake(
        "square_loss returned 3.14159 where 2.71828 was expected on inputs [[0.123456, -2.71828]]",
        hint="Compare 3.14159 with your own mean of 0.123456 and 12345678.",
        summary="1 of 1 values differ from the reference's beyond rtol=1e-05, atol=1e-06",
    )
    redacted = redact(mistake, test_sentence="Matches the reference on a column.", last_call=("call", {"x": INPUTS}))
    assert redacted is not None
    message, hint = redacted
    assert message.startswith(SECRET_NOTE)
    assert "1 of 1 values differ" in message and "The test checks: Matches the reference on a column." in message
    assert "a float32 array of shape (2, 2) with values in [-3, 4]" in message
    for value in ("3.14159", "2.71828", "0.123456"):
        assert value not in message and value not in hint
    assert hint == "Compare … with your own mean of … and …"  # "12345678." reads as one number


def test_an_exception_names_only_a_known_type_and_never_its_message() -> None:
    """The student's exception: a built-in or TensorFlow type is named, a made-up one is not, the message never."""
    known = SubmissionFailure(
        "shapes (3, 7) and (5,) at 0.918273", kind=FailureKind.EXCEPTION, exception_type="ValueError"
    )
    made_up = SubmissionFailure("x", kind=FailureKind.EXCEPTION, exception_type="Input_0_918273")
    known_message = redact(known, test_sentence="", last_call=("call", {"x": 1.5}))
    made_up_message = redact(made_up, test_sentence="", last_call=("call", {"x": 1.5}))
    assert known_message is not None and made_up_message is not None
    assert "your code raised ValueError" in known_message[0] and "0.918273" not in known_message[0]
    assert "raised an exception" in made_up_message[0] and "918273" not in made_up_message[0]


def test_a_failure_without_a_call_of_its_own_is_still_redacted() -> None:
    """A test that reads an earlier call's answer (one shared fit) never lets its values through for want of a call."""
    mistake = Mistake("The last val_loss 1.04993 is not 0.049928", summary="the validation loss differs")
    redacted = redact(mistake, test_sentence="", last_call=None)
    assert redacted is not None
    assert "1.04993" not in redacted[0] and "shared between its tests" in redacted[0]


def test_failures_before_any_input_keep_their_message() -> None:
    """A missing module or a stub saw no input: its own message (what to do) is shown as it is."""
    for kind in (FailureKind.MISSING, FailureKind.NOT_IMPLEMENTED):
        failure = SubmissionFailure("linear_classifier.py is missing", kind=kind)
        assert redact(failure, test_sentence="", last_call=("call", {"x": 1.5})) is None


def test_scrub_numbers_keeps_small_integers() -> None:
    """Axes, ranks and sizes stay; fractions, exponents and long integers go."""
    assert (
        scrub_numbers("axis 1 of shape (3, 4), lr 0.05, 1e-3, seed 4242424")
        == "axis 1 of shape (3, 4), lr …, …, seed …"
    )
