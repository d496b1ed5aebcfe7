"""Tests for grader/grading/compare.py: mismatches explain shape, count, largest differences and where."""

from __future__ import annotations

import numpy as np
import pytest

from grader.grading.compare import Mistake, check_close, mismatch, value_of


def test_equal_within_tolerance_is_none() -> None:
    """Values within rtol/atol match."""
    assert mismatch(np.float32(2.0), np.float64(2.0000001), rtol=1e-5, atol=1e-6) is None


def test_shape_is_reported_first() -> None:
    """A broadcastable but different shape is a mismatch that names both shapes as tuples."""
    assert mismatch(np.zeros(3), np.zeros((3, 1)), rtol=1e-5, atol=1e-6) == "shape (3,) where (3, 1) was expected"


def test_count_largest_differences_and_where() -> None:
    """The message counts mismatches and gives the largest absolute difference and its index."""
    text = mismatch(np.array([[1.0, 2.0], [3.0, 9.0]]), np.array([[1.0, 2.5], [3.0, 4.0]]), rtol=1e-5, atol=1e-6)
    assert text is not None
    assert text.startswith("2 of 4 values differ")
    assert "largest absolute difference 5 at index (1, 1) (got 9, expected 4)" in text


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_and_inf_never_pass(bad: float) -> None:
    """NaN and Inf fail against finite expectations, whatever the tolerance."""
    text = mismatch(np.array([1.0, bad]), np.array([1.0, 2.0]), rtol=1.0, atol=1e9)
    assert text is not None and "NaN or Inf" in text


def test_check_close_raises_a_mistake_with_hint() -> None:
    """check_close fails the test with the message and the hint, without a traceback."""
    with pytest.raises(Mistake) as caught:
        check_close(np.array(3.0), np.array(1.0), rtol=1e-5, atol=1e-6, what="the loss", hint="use the mean")
    assert caught.value.message.startswith("the loss: 1 of 1 values differ")
    assert caught.value.hint == "use the mean"
    assert caught.value.pytrace is False


def test_value_of_none_and_non_numeric() -> None:
    """A None or non-numeric return value fails with a message saying so."""
    with pytest.raises(Mistake, match="returned None"):
        value_of({"kind": "none", "python_type": "builtins.NoneType"}, "square_loss")
    with pytest.raises(Mistake, match="not numeric"):
        value_of({"kind": "other", "python_type": "builtins.str", "dtype": "<U3"}, "square_loss")
