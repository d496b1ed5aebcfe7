"""Stage 3 of the pipeline: the trusted suites compare the student's plain data with the reference's.

submission → intake → sandbox → plain data → **grading** → result → reporters. `runner`
runs the suites with pytest in the parent (its plugin records each outcome), `student_calls`
and the reference answer the suites' probes, `compare` explains numeric mismatches.

The exercise packs' suites (`grader/packs/<id>/suite.py`, and a course's own packs; see
`grader.course.packs`) import what they need from this package: the typed fixtures
(`ExerciseCalls` as `student`, `BoundReference` as `reference`, `ExerciseSpec` as `spec`),
the comparisons, and `SubmissionFailure` with its `FailureKind`, the student-fault failure
that a probe raises when the student's code could not answer, and the child's kinds of a
described value (`ValueKind`) and of a described exception (`ErrorKind`, a failure's
`error_kind`), which a suite compares instead of text.
"""

from grader.course.config import ExerciseSpec
from grader.grading.compare import Mistake, check_close, fail, is_close, noting, required, shape_text, value_of
from grader.grading.pytest_plugin import BoundReference
from grader.grading.student_calls import ExerciseCalls
from grader.sandbox.child.wire import TENSOR_KINDS, ErrorKind, ValueKind
from grader.sandbox.failures import FailureKind, SubmissionFailure

__all__ = [
    "BoundReference",
    "ExerciseCalls",
    "ErrorKind",
    "ExerciseSpec",
    "FailureKind",
    "Mistake",
    "SubmissionFailure",
    "TENSOR_KINDS",
    "ValueKind",
    "check_close",
    "fail",
    "is_close",
    "noting",
    "required",
    "shape_text",
    "value_of",
]
