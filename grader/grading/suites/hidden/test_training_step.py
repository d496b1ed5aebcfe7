"""Hidden tests of `training_step`: convergence from the instructor's hidden seeds."""

from __future__ import annotations

from typing import Any

from grader.grading.suites.test_training_step import check_convergence


def test_converges_from_hidden_seeds(student: Any, reference: Any, spec: Any) -> None:
    """From the hidden seeds, training reaches the reference's loss and 97% accuracy."""
    for seed in spec.hidden_seeds:
        check_convergence(student, reference, seed)
