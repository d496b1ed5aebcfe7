"""Hand-built results for the tests of the model and the reporters (no grading needed)."""

from __future__ import annotations

from grader.results import ERROR, FAILED, PASSED, ExerciseResult, GradeResult, TestResult


def sample_result(*, internal_error: bool = False) -> GradeResult:
    """Two exercises: a pass, a failure with a hint, a hidden failure, optionally an internal error."""
    loss_tests = (
        TestResult(name="returns_scalar_float32_tensor", status=PASSED, score=3, max_score=3),
        TestResult(
            name="matches_reference_column",
            status=FAILED,
            score=0,
            max_score=4,
            message="square_loss: 1 of 1 values differ",
            hint="Use the mean, not the sum.",
        ),
        TestResult(
            name="hidden_values",
            status=FAILED,
            score=0,
            max_score=5,
            hidden=True,
            message="secret input 0.123 gave 7",
            hint="secret hint",
        ),
    )
    split_tests = (TestResult(name="sizes_are_exact", status=PASSED, score=3, max_score=3),)
    if internal_error:
        split_tests += (
            TestResult(
                name="seed_controls_the_split",
                status=ERROR,
                score=0,
                max_score=3,
                message="internal error in the grader",
            ),
        )
    return GradeResult(
        course_id="keras-intro",
        course_version="2026.1",
        exercises=(
            ExerciseResult(id="square_loss", title="The loss", tests=loss_tests),
            ExerciseResult(id="split_validation", title="The split", tests=split_tests),
        ),
        environment={"python": "3.11", "tensorflow": "2.21.0", "keras": "3.15.1", "numpy": "2.4", "device": "CPU"},
        isolation="bubblewrap",
        internal_errors=("seed_controls_the_split: internal error",) if internal_error else (),
    )
