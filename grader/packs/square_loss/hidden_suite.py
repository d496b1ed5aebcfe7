"""Hidden tests of `square_loss`: inputs from the instructor's hidden seeds."""

from __future__ import annotations

import numpy as np

from grader.grading import BoundReference, ExerciseCalls, ExerciseSpec, check_close, shape_text, value_of
from grader.packs.square_loss.suite import diagnose


def test_matches_reference_on_hidden_inputs(
    student: ExerciseCalls, reference: BoundReference, spec: ExerciseSpec
) -> None:
    """The loss equals the reference on large (N, k) inputs from the hidden seeds."""
    for seed in spec.hidden_seeds:
        rng = np.random.default_rng(seed)
        shape = (int(rng.integers(50, 200)), int(rng.integers(1, 8)))
        targets = (rng.normal(size=shape) * 100).astype(np.float32)
        predictions = (rng.normal(size=shape) * 100).astype(np.float32)
        expected = value_of(reference.call("call", targets=targets, predictions=predictions), "the reference")
        got = value_of(student.call("call", targets=targets, predictions=predictions), "square_loss")
        check_close(
            got,
            expected,
            rtol=spec.rtol,
            atol=spec.atol,
            what=f"square_loss on hidden inputs of shape {shape_text(shape)}",
            hint=diagnose(targets, predictions, got),
        )
