"""Stand-ins that forgive, never punish: grading a test again with correct stand-ins for the student's collaborators.

An exercise whose pack lists `STAND_INS` in its probes.py (training_step, which calls the
student's `model` and `square_loss`) has each test run with the student's own functions
first. Only a test that fails with them (a wrong value, an exception, a stub not yet written)
runs again with the correct ones standing in (the probes' `collaborators`, inside the sandbox),
and passes if it then passes, with a note that names the student's function found wrong. A
stand-in never costs a point, and a correct submission is graded once.
"""

from __future__ import annotations

from collections.abc import Callable

from grader.grading.compare import Mistake
from grader.grading.student_calls import ExerciseCalls
from grader.sandbox.failures import FailureKind, SubmissionFailure

# The failures a correct stand-in may cure (a wrong value, an exception, a stub not yet written); never a
# limit, a crash or a missing module, which grading again would only repeat.
FORGIVABLE = (FailureKind.EXCEPTION, FailureKind.NOT_IMPLEMENTED)


def run_forgiving(
    test: Callable[[], object], calls: ExerciseCalls, exercise_id: str, stand_ins: tuple[str, ...]
) -> str | None:
    """Run `test` with the student's own collaborators, then, if it failed, with correct stand-ins.

    Returns None when it passed as the student wrote it, the note to show when it passed with
    stand-ins; raises the failure to report when it failed both ways.
    """
    try:
        test()
        return None
    except (Mistake, SubmissionFailure) as own:
        if isinstance(own, SubmissionFailure) and own.kind not in FORGIVABLE:
            raise
        own_failure: Mistake | SubmissionFailure = own
    recording, calls.recording = calls.recording, False
    calls.stand_ins, calls.findings = True, []
    try:
        test()
    except (Mistake, SubmissionFailure) as with_stand_ins:
        # Both failed: with correct stand-ins, what is left is the function's own mistake (said with the
        # collaborators found wrong); an exception there (a stand-in the student's code calls in a way
        # no correct one can answer) is no clearer than the student's own failure, which is kept.
        if calls.findings:
            raise with_note(with_stand_ins, stand_in_note(calls.findings, exercise_id)) from None
        raise (with_stand_ins if isinstance(with_stand_ins, Mistake) else own_failure) from None
    finally:
        calls.stand_ins, calls.recording = False, recording
    return stand_in_note(calls.findings, exercise_id, stand_ins)


def stand_in_note(findings: list[str], exercise_id: str, stand_ins: tuple[str, ...] = ()) -> str:
    """Which of the student's collaborators was wrong, and that a correct one graded `exercise_id` in its place."""
    if findings:
        ones = "a correct one was" if len(findings) == 1 else "correct ones were"
        return f"{'; '.join(findings)}, so {ones} used to grade {exercise_id}: fix it to earn its own points."
    names = " and ".join(stand_ins)
    return (
        f"With your own {names} this test failed; with correct ones standing in it passes, so they were used to"
        f" grade {exercise_id}: check your {names} where {exercise_id} calls them (inside tf.function too)."
    )


def with_note(failure: Mistake | SubmissionFailure, note: str) -> Mistake | SubmissionFailure:
    """The same failure, its message followed by `note`."""
    if isinstance(failure, Mistake):
        return Mistake(f"{failure.message} Note: {note}", failure.hint, failure.summary)
    return SubmissionFailure(
        f"{failure.message} Note: {note}",
        kind=failure.kind,
        limit=failure.limit,
        not_implemented=failure.not_implemented,
        exception_type=failure.exception_type,
        error_kind=failure.error_kind,
    )
