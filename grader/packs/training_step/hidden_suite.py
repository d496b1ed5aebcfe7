"""Hidden tests of `training_step`: convergence from the instructor's hidden seeds."""

from __future__ import annotations

from grader.grading import BoundReference, ExerciseCalls, ExerciseSpec
from grader.packs.training_step.suite import check_convergence


def test_converges_from_hidden_seeds(student: ExerciseCalls, reference: BoundReference, spec: ExerciseSpec) -> None:
    """From the hidden seeds, training reaches the reference's loss and 97% accuracy."""
    for seed in spec.hidden_seeds:
        check_convergence(student, reference, seed)
