"""Numeric checks that explain themselves, and the failure that carries a hint.

Like `pytest.approx`, a mismatch says the shape first, then how many elements differ, the
largest absolute and relative differences and where they are. NaN and Inf never pass where
the expected value is finite.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, NoReturn

import numpy as np
import numpy.typing as npt
from _pytest.outcomes import Failed

from grader.sandbox.child import wire


class Mistake(Failed):
    """A failed test, with a message for the student and an optional hint naming the mistake.

    `summary` says what failed without a value (for a failure on instructor inputs, whose values a
    student must not read; see grader.grading.redaction): "shape (3,) where (3, 1) was expected".
    """

    def __init__(self, message: str, hint: str = "", summary: str = "") -> None:
        super().__init__(msg=message, pytrace=False)
        self.message = message
        self.hint = hint
        self.summary = summary


def fail(message: str, hint: str = "", summary: str = "") -> NoReturn:
    """Fail the current test with a student-facing message (no traceback) and a hint."""
    raise Mistake(message, hint, summary)


def shape_text(shape: Any) -> str:
    return str(tuple(int(n) for n in shape))


def mismatch(actual_like: npt.ArrayLike, expected_like: npt.ArrayLike, *, rtol: float, atol: float) -> str | None:
    """None when `actual` matches `expected` within tolerance, else an explanation."""
    actual = np.asarray(actual_like)
    expected = np.asarray(expected_like)
    if actual.shape != expected.shape:
        return f"shape {shape_text(actual.shape)} where {shape_text(expected.shape)} was expected"
    if actual.size == 0:
        return None
    actual64 = actual.astype(np.float64)
    expected64 = expected.astype(np.float64)
    close = np.isclose(actual64, expected64, rtol=rtol, atol=atol, equal_nan=False)
    if close.all():
        return None
    bad = ~close
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        absolute = np.abs(actual64 - expected64)
        relative = absolute / np.abs(expected64)
    absolute = np.where(np.isnan(absolute), np.inf, absolute)
    relative = np.where(np.isnan(relative), np.inf, relative)
    worst = np.unravel_index(int(np.argmax(np.where(bad, absolute, -1.0))), actual.shape)
    where = f" at index {tuple(int(i) for i in worst)}" if actual.ndim else ""
    count = int(bad.sum())
    nonfinite = int((~np.isfinite(actual64)).sum())
    text = (
        f"{count} of {actual.size} values differ beyond rtol={rtol:g}, atol={atol:g}; largest absolute difference"
        f" {float(absolute[bad].max()):.6g}{where} (got {actual64[worst]:.6g}, expected {expected64[worst]:.6g}),"
        f" largest relative difference {float(relative[bad].max()):.6g}"
    )
    if nonfinite:
        text += f"; {nonfinite} value(s) are NaN or Inf"
    return text


def value_of(described: dict[str, Any], what: str) -> np.ndarray:
    """The numeric value the child reported, or a failure that says why there is none."""
    if described.get("kind") == wire.ValueKind.NONE:
        fail(f"{what} returned None; it must return a value (did you forget `return`?)", hint="return")
    if "value" not in described:
        reason = described.get("conversion_error") or f"dtype {described.get('dtype', 'unknown')}"
        fail(f"{what} returned a {described.get('python_type')} that is not numeric ({reason})")
    value = described["value"]
    if not isinstance(value, np.ndarray):
        fail(f"{what} returned malformed data")
    return value


def check_close(
    actual: npt.ArrayLike, expected: npt.ArrayLike, *, rtol: float, atol: float, what: str, hint: str = ""
) -> None:
    problem = mismatch(actual, expected, rtol=rtol, atol=atol)
    if problem:
        fail(f"{what}: {problem}.", hint=hint, summary=mismatch_summary(actual, expected, rtol=rtol, atol=atol))


def mismatch_summary(actual_like: npt.ArrayLike, expected_like: npt.ArrayLike, *, rtol: float, atol: float) -> str:
    """What `mismatch` says, without a value: the shapes, or how many values differ."""
    actual, expected = np.asarray(actual_like), np.asarray(expected_like)
    if actual.shape != expected.shape:
        return f"the result has shape {shape_text(actual.shape)} where {shape_text(expected.shape)} was expected"
    close = np.isclose(actual.astype(np.float64), expected.astype(np.float64), rtol=rtol, atol=atol)
    return (
        f"{int((~close).sum())} of {actual.size} values differ from the reference's beyond rtol={rtol:g}, atol={atol:g}"
    )


def is_close(actual: npt.ArrayLike, expected: npt.ArrayLike, *, rtol: float = 1e-4, atol: float = 1e-5) -> bool:
    return mismatch(actual, expected, rtol=rtol, atol=atol) is None


def required(answer: dict[str, Any], key: str, what: str) -> Any:
    """`answer[key]`, or a failure when the process running the student's code did not send it.

    Nothing fails open: data the grader did not get never counts as a pass.
    """
    if not isinstance(answer, dict) or key not in answer or answer[key] is None:
        fail(
            f"the grader did not receive {what} from the process running your code, so this test cannot be"
            " passed (your code may have replaced something the grader relies on); run the test again, and tell your"
            " instructor if it happens again"
        )
    return answer[key]


@contextlib.contextmanager
def noting(notes: list[str] | tuple[str, ...]) -> Iterator[None]:
    """Add the probe's notes (how the student's code was called) to a failure raised inside."""
    try:
        yield
    except Mistake as mistake:
        if not notes:
            raise
        raise Mistake(f"{mistake.message} Note: {' '.join(notes)}", mistake.hint, mistake.summary) from None
