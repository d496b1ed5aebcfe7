"""What can go wrong with the student's code other than a wrong value, as one typed failure.

A `SubmissionFailure` fails the test it happened in (it is the student's fault, never the
grader's); its `kind` says what happened and its `limit` which limit ended it, if one did.
The grading package re-exports it for the suites.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Any

from grader.errors import ConfigError, PackError
from grader.results import Limit
from grader.sandbox.child import wire


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
        self,
        message: str,
        *,
        kind: FailureKind,
        limit: Limit | None = None,
        not_implemented: bool = False,
        exception_type: str = "",
        error_kind: wire.ErrorKind | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.limit = limit
        self.not_implemented = not_implemented
        # The name of the exception the student's code raised (kind EXCEPTION), as the child reported it.
        self.exception_type = exception_type
        # The kind the child gave the exception it described (`student_error`): a suite compares it, never the
        # message's text (`ErrorKind.NONE_VALUE`: raised on a None). None for a failure the child did not describe.
        self.error_kind = error_kind


def student_error(
    error: dict[str, Any], during: str, memory_limit_mb: int | None = None
) -> SubmissionFailure | PackError:
    """A failure built from the worker's description of an exception the student's code raised; a `PackError`
    when the exception was the exercise's probe's own (the probe's frames, none of the student's)."""
    frames = list(error.get("frames") or [])
    try:
        kind = wire.ErrorKind(str(error.get("kind")))
    except ValueError:
        kind = wire.ErrorKind.RAISED
    if kind == wire.ErrorKind.IMPORT_TIMEOUT:
        running = f" It was running {frames[-1]}." if frames else ""
        return SubmissionFailure(
            f"time limit: {error.get('message')} (a module's top-level code runs when it is imported), and was"
            f" stopped.{running} Move long training loops and experiments into a function, or under"
            ' `if __name__ == "__main__":`, and look for an endless loop.',
            kind=FailureKind.TIMEOUT,
            limit=Limit.TIME,
            error_kind=kind,
        )
    if kind == wire.ErrorKind.CONTRACT:
        return SubmissionFailure(f"{error.get('message')}.", kind=FailureKind.EXCEPTION, error_kind=kind)
    if kind == wire.ErrorKind.NOT_IMPLEMENTED:
        task = f": {error.get('message')}" if error.get("message") else ""
        return SubmissionFailure(
            f"not implemented yet{task}", kind=FailureKind.NOT_IMPLEMENTED, not_implemented=True, error_kind=kind
        )
    if kind == wire.ErrorKind.SYSTEM_EXIT:
        return SubmissionFailure(
            f"your code called sys.exit({error.get('message')}) while {during}: remove the exit call",
            kind=FailureKind.EXCEPTION,
            error_kind=kind,
        )
    if kind == wire.ErrorKind.MEMORY:
        allowed = f" of {memory_limit_mb} MB" if memory_limit_mb else ""
        return SubmissionFailure(
            f"memory limit: your code ran out of memory while {during} ({error.get('type')}: {error.get('message')}):"
            f" it allocates more than the memory limit{allowed} allows; allocate smaller arrays",
            kind=FailureKind.MEMORY,
            limit=Limit.MEMORY,
            error_kind=kind,
        )
    if kind == wire.ErrorKind.PROBE:
        return probe_error(error, during)
    advice = advice_for(str(error.get("type")), str(error.get("message")))
    if frames:
        place = frames[-1].split(": ", 1)[0]
        return SubmissionFailure(
            f"{place}: your code raised {error.get('type')}: {error.get('message')} while {during}.{advice}"
            f" Traceback (your code, innermost last): {' <- '.join(reversed(frames))}",
            kind=FailureKind.EXCEPTION,
            exception_type=str(error.get("type")),
            error_kind=kind,
        )
    return SubmissionFailure(
        f"your code raised {error.get('type')}: {error.get('message')} while {during}.{advice}",
        kind=FailureKind.EXCEPTION,
        exception_type=str(error.get("type")),
        error_kind=kind,
    )


def probe_error(error: dict[str, Any], during: str) -> PackError:
    """An exception of the exercise's own probe, outside the student's code: the pack's (exit 3). A probe raises
    `gradechild.api.StudentError` for what is the student's, so anything else it raises is a bug of the pack."""
    frames = list(error.get("probe_frames") or [])
    return PackError(
        f"the exercise's probe raised {error.get('type')}: {error.get('message')} while {during}, outside your code"
        f" (at {frames[-1]}): an error of the exercise's pack, not of your code; tell your instructor (a probe must"
        " check what the student's code returned, and raise gradechild.api.StudentError for what is the student's)."
        f" Traceback (the probe, innermost last): {' <- '.join(reversed(frames))}",
        location=str(frames[-1]) if frames else "",
    )


DTYPE_ADVICE = (
    " Two tensors have different dtypes (often a float64 NumPy array or tf.Variable among float32 tensors): keep"
    " everything float32 (np.float32 arrays, tf.Variable(..., dtype=tf.float32), or tf.cast)."
)
# The first entry whose exception type and (lowercased) word both match gives the advice: the specific ones first.
ADVICE: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (
        ("ModuleNotFoundError", "ImportError"),
        "tensorflow.python.keras",
        " tensorflow.python.keras is TensorFlow's private, old copy of Keras, gone from the TensorFlow the grader"
        " runs: import keras (or from tensorflow import keras) and use keras.layers, keras.models.",
    ),
    (("InvalidArgumentError", "ValueError", "TypeError", "NotFoundError"), "requested dtype", DTYPE_ADVICE),
    (("InvalidArgumentError", "TypeError"), "double tensor", DTYPE_ADVICE),
    (
        ("AttributeError", "ValueError"),
        "has never been called",
        " A Keras 3 model has no input or output until it has been called on data or built from a keras.Input:"
        " start the model with keras.Input(shape=...) (or call it on a batch) before reading model.output or"
        " model.input.",
    ),
    (
        ("ModuleNotFoundError", "ImportError"),
        "",
        " Import only what the grader has (tensorflow, keras, numpy and the standard library), and check the spelling.",
    ),
    (
        ("NameError",),
        "",
        " A name is used before it is defined or imported: check its spelling, and import what you use (import tensorflow as tf).",
    ),
    (
        ("UnboundLocalError",),
        "",
        " A variable is read before it is assigned in this function: assign it first, on every path.",
    ),
    (
        ("InvalidArgumentError", "ValueError"),
        "shape",
        " The shapes do not fit together: print the shapes of the tensors on that line and compare them with the exercise's.",
    ),
    (("InvalidArgumentError", "TypeError", "NotFoundError"), "dtype", DTYPE_ADVICE),
    (
        ("AttributeError",),
        "",
        " An object does not have that attribute: check the name, and whether the value is a tensor, a NumPy array or a Variable.",
    ),
    (
        ("TypeError",),
        "argument",
        " A function was called with the wrong arguments: compare the call with the function's parameters.",
    ),
    (("IndexError",), "", " An index is out of range: index only the first axis (the samples), and check the sizes."),
    (("ZeroDivisionError",), "", " A division by zero: check the sizes you divide by."),
)


def advice_for(kind: str, message: str) -> str:
    """One sentence on what to do about a common exception in the student's code."""
    lowered = message.lower()
    if "determinism is enabled" in lowered:
        # The grader's own setting, never the student's mistake as such.
        return (
            " The grader runs TensorFlow deterministically and seeds it before your module is imported; this op still"
            " had no seed because your code reset it (tf.random.set_seed(None)) or used a non-deterministic generator:"
            " pass seed=... to the op, or remove the reset."
        )
    for kinds, word, advice in ADVICE:
        if kind in kinds and word in lowered:
            return advice
    return ""


def check_hello(
    hello: dict[str, Any], *, module: str | None, probes_path: Path | None, memory_limit_mb: int | None
) -> None:
    """Raise what a worker's first message says went wrong, if anything: malformed data, a pack whose probes do
    not load (the instructor's to fix: `ConfigError`), or the student's module failing to import."""
    if hello.get("event") != wire.Event.HELLO:
        raise SubmissionFailure("the worker answered with malformed data while starting", kind=FailureKind.PROTOCOL)
    if hello.get("pack_error"):
        raise ConfigError(
            f"the exercise pack's probes failed to load in the sandbox: {hello['pack_error']}."
            " Fix this file (it must import only what the sandbox has: gradechild.api, TensorFlow, Keras, NumPy).",
            path=probes_path,
        )
    if hello.get("import_error"):
        raise student_error(hello["import_error"], f"importing {module}.py", memory_limit_mb)
