"""What a `grade batch` worker tells the parent, one JSON object a line: a typed message, never a pickle.

The worker (`grader.batch.pool_worker`) writes `WorkerMessage.to_line()`; the parent
(`grader.batch.pool`) reads it back with `WorkerMessage.from_dict`, which accepts plain JSON of
the expected shape only: anything else is malformed data from the grading process.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from typing import Any


class WorkerSays(enum.StrEnum):
    """What kind of message a worker sent."""

    READY = "ready"  # the course, the reference and the warm pool are loaded: the submission's time starts now
    FATAL = "fatal"  # the batch cannot go on (the course or its inputs are broken): exit 2 with `error`
    GRADED = "graded"  # one submission is done: its result's JSON form, or the `error` that left it ungraded


@dataclass(frozen=True)
class WorkerMessage:
    """One message of a worker to the parent."""

    kind: WorkerSays
    result: dict[str, Any] | None = None  # GRADED: `GradeResult.to_dict()`, None when it could not be graded
    error: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "result": self.result, "error": self.error}

    def to_line(self) -> str:
        return json.dumps(self.to_dict()) + "\n"

    @classmethod
    def from_dict(cls, data: object) -> WorkerMessage:
        """The message a decoded line holds; `ValueError` when it is not one."""
        if not isinstance(data, dict):
            raise ValueError("not an object")
        result, error = data.get("result"), data.get("error")
        if result is not None and not isinstance(result, dict):
            raise ValueError("a result that is not an object")
        if not isinstance(error, str):
            raise ValueError("an error that is not a string")
        return cls(WorkerSays(str(data.get("kind"))), result, error)
