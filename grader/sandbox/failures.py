"""What can go wrong with the student's code other than a wrong value, as one typed failure.

A `SubmissionFailure` fails the test it happened in (it is the student's fault, never the
grader's); its `kind` says what happened and its `limit` which limit ended it, if one did.
The grading package re-exports it for the suites.
"""

from __future__ import annotations

import enum
from typing import Any

from grader.results import Limit


class FailureKind(enum.StrEnum):
    """What went wrong."""

    SANDBOX = "sandbox"  # the sandbox itself stopped answering (the submission killed it?)
    MISSING = "missing"  # the module is missing or was refused (a link, too big)
    PROTOCOL = "protocol"  # the process running the student's code sent malformed data
    NOT_IMPLEMENTED = "not_implemented"  # the stub still raises NotImplementedError
    EXCEPTION = "exception"  # the student's code raised (sys.exit included)
    MEMORY = "memory"  # the memory limit
    OUTPUT = "output"  # the output limit
    CRASH = "crash"  # the process running the student's code died
    TIMEOUT = "timeout"  # the time limit


class SubmissionFailure(Exception):
    """The student's code failed in a way that is not a wrong value: the test fails."""

    def __init__(
        self, message: str, *, kind: FailureKind, limit: Limit | None = None, not_implemented: bool = False
    ) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.limit = limit
        self.not_implemented = not_implemented


def student_error(error: dict[str, Any], during: str, memory_limit_mb: int | None = None) -> SubmissionFailure:
    """A failure built from the worker's description of an exception the student's code raised."""
    where = ("; at " + " <- ".join(reversed(error.get("frames") or []))) if error.get("frames") else ""
    if error.get("not_implemented"):
        task = f": {error.get('message')}" if error.get("message") else ""
        return SubmissionFailure(f"not implemented yet{task}", kind=FailureKind.NOT_IMPLEMENTED, not_implemented=True)
    if error.get("system_exit"):
        return SubmissionFailure(
            f"your code called sys.exit({error.get('message')}) while {during}: remove the exit call",
            kind=FailureKind.EXCEPTION,
        )
    if error.get("memory"):
        allowed = f" of {memory_limit_mb} MB" if memory_limit_mb else ""
        return SubmissionFailure(
            f"memory limit: your code ran out of memory while {during} ({error.get('type')}: {error.get('message')}):"
            f" it allocates more than the memory limit{allowed} allows; allocate smaller arrays",
            kind=FailureKind.MEMORY,
            limit=Limit.MEMORY,
        )
    return SubmissionFailure(
        f"your code raised {error.get('type')}: {error.get('message')} while {during}{where}",
        kind=FailureKind.EXCEPTION,
    )
