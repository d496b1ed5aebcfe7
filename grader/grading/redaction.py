"""A failure on instructor inputs, told to the student without the inputs' values.

What the student reads says that the test ran on inputs they have not seen, which property
failed (the test's own sentence, the kind of failure), and what the inputs looked like: shapes,
dtypes and ranges of the arrays, the kind of each number, the structure of a function. Never a
value: a student who could read them could memorize them for the next submission. The full
failure, values included, stays in `TestResult.detail` for the instructor.
"""

from __future__ import annotations

import builtins
import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from grader.grading.compare import Mistake
from grader.sandbox.failures import FailureKind, SubmissionFailure

# Failures that happen before the student's code sees any input: their messages hold no input.
INPUT_FREE_KINDS = frozenset(
    {FailureKind.MISSING, FailureKind.NOT_IMPLEMENTED, FailureKind.SANDBOX, FailureKind.PROTOCOL}
)
# Exception types a message may name: Python's own and TensorFlow's, never one the student made up
# (a class named after a value would carry it out).
KNOWN_EXCEPTIONS = frozenset(
    name
    for name in dir(builtins)
    if isinstance(getattr(builtins, name), type) and issubclass(getattr(builtins, name), BaseException)
) | frozenset(
    {
        "InvalidArgumentError",
        "NotFoundError",
        "ResourceExhaustedError",
        "UnimplementedError",
        "OperatorNotAllowedInGraphError",
    }
)
# Numbers a hint may not carry on instructor inputs: any with a fraction or an exponent, and integers of
# five digits or more (a derived seed). Small integers (axes, ranks, sizes) stay.
NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+(?=[eE]))(?:[eE][-+]?\d+)?|(?<![\w.])\d{5,}(?![\w.])")
SECRET_NOTE = (
    "This test ran on instructor inputs: inputs drawn for the grade that counts, which you have not seen"
    " (`grade check` in your release runs the public ones, which is why it can pass on your machine)."
)


def scrub_numbers(text: str) -> str:
    """`text` with every fractional number and every long integer replaced by "…"."""
    return NUMBER.sub("…", text)


def _range_text(low: float, high: float) -> str:
    """A range rounded outwards to one significant digit: enough to reproduce, not to memorize."""

    def outward(value: float, up: bool) -> float:
        if value == 0 or not math.isfinite(value):
            return value
        scale = 10 ** math.floor(math.log10(abs(value)))
        return float((math.ceil if up else math.floor)(value / scale) * scale)

    return f"[{outward(low, False):.1g}, {outward(high, True):.1g}]"


def describe_value(value: Any, depth: int = 0) -> str:
    """What a value looks like, without its values."""
    if isinstance(value, np.ndarray):
        if value.size == 0:
            return f"an empty {value.dtype} array of shape {tuple(value.shape)}"
        text = f"a {value.dtype} array of shape {tuple(int(n) for n in value.shape)}"
        if np.issubdtype(value.dtype, np.number) and np.isfinite(value).all():
            text += f" with values in {_range_text(float(value.min()), float(value.max()))}"
        return text
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int | float | np.number):
        number = float(value)
        kind = "an integer" if isinstance(value, int | np.integer) else "a float"
        if number == 0:
            return f"{kind} (zero)"
        return (
            f"{kind} in {_range_text(min(0.0, number), max(0.0, number))}"
            if abs(number) >= 1
            else f"{kind} between -1 and 1"
        )
    if isinstance(value, str):
        return repr(value) if len(value) <= 20 and value.isidentifier() else "a string"
    if isinstance(value, Sequence) and depth < 3:
        if value and isinstance(value[0], str) and value[0].isidentifier():  # an expression tree: ["sin", [...]]
            return f"{value[0]}(" + ", ".join(describe_value(part, depth + 1) for part in value[1:]) + ")"
        if all(isinstance(part, int | float) for part in value):
            return f"a list of {len(value)} numbers"
        return "[" + ", ".join(describe_value(part, depth + 1) for part in value) + "]"
    if isinstance(value, dict) and depth < 3:
        return "{" + ", ".join(f"{key}: {describe_value(part, depth + 1)}" for key, part in value.items()) + "}"
    return f"a {type(value).__name__}"


def describe_call(probe: str, arguments: dict[str, Any]) -> str:
    shown = "; ".join(f"{name}: {describe_value(value)}" for name, value in arguments.items())
    what = "the call" if probe == "call" else f"the check '{probe.replace('_', ' ')}'"
    return f"{what} with {shown}" if shown else what


def failure_kind_text(error: BaseException) -> str:
    """What kind of failure it was, in words that carry no value."""
    if isinstance(error, Mistake):
        return error.summary or "the result differs from the reference's"
    if isinstance(error, SubmissionFailure):
        if error.kind == FailureKind.EXCEPTION:
            named = error.exception_type if error.exception_type in KNOWN_EXCEPTIONS else "an exception"
            return f"your code raised {named} (its message is not shown: it could hold the inputs)"
        if error.kind == FailureKind.TIMEOUT:
            return "your code ran out of time"
        if error.kind == FailureKind.MEMORY:
            return "your code ran out of memory"
        if error.kind == FailureKind.OUTPUT:
            return "your code printed more than the output limit"
        if error.kind == FailureKind.CRASH:
            return "the process running your code died"
    return "the test failed"


def redact(
    error: BaseException, *, test_sentence: str, last_call: tuple[str, dict[str, Any]] | None
) -> tuple[str, str] | None:
    """(message, hint) to show the student for a failure on instructor inputs, or None when the failure
    holds no input (a missing module, a stub, a sandbox that stopped: the message is shown as it is).

    Without a last call (the test reads an answer an earlier test of the exercise asked for, such as one
    shared fit) the failure is still told without values: a message is never let through for want of a call.
    """
    if isinstance(error, SubmissionFailure) and error.kind in INPUT_FREE_KINDS:
        return None
    sentence = test_sentence.strip().rstrip(".")
    parts = [
        SECRET_NOTE,
        f"What failed: {failure_kind_text(error)}." + (f" The test checks: {sentence}." if sentence else ""),
        (
            f"The inputs of the last call: {describe_call(*last_call)}."
            if last_call is not None
            else "The inputs: those of an earlier call of this exercise, shared between its tests."
        ),
        "Try your code on inputs of other shapes and values than the public ones: it must work on every input the"
        " exercise describes.",
    ]
    hint = scrub_numbers(error.hint) if isinstance(error, Mistake) else ""
    return " ".join(parts), hint
