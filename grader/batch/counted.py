"""The inputs of the grading that counts: the instructor's, from the course secret, per student if asked.

`grade batch` (its local workers and its Dask workers) grades every submission on instructor inputs
(`grader.grading.inputs`). The parent finds the course secret, or creates it the first time and says
where; the workers load it themselves, the same way (never through a command line, an environment
they pass on, or a Dask message), and refuse to grade when theirs is not the parent's: two secrets
would give two students of one class different inputs without anyone asking for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.course.secret import CourseSecret, load_secret, require_secret
from grader.errors import ConfigError
from grader.grading.inputs import InputPlan, inputs_key


@dataclass(frozen=True)
class BatchInputs:
    """What a batch's workers need to know of its inputs: per student or not, and which secret."""

    per_student: bool
    fingerprint: str

    @classmethod
    def for_course(
        cls, course_path: Path, *, per_student: bool, say: Callable[[str], None] | None = None
    ) -> BatchInputs:
        """The parent's side: the course secret (made on first use, and said where) and the batch's choice."""
        secret = require_secret(course_path, say)
        return cls(per_student=per_student, fingerprint=secret.fingerprint)

    @property
    def key(self) -> str:
        """The `inputs_key` every result of this batch records (`--resume` regrades a row recorded with another)."""
        return inputs_key(self.fingerprint, self.per_student)

    def to_dict(self) -> dict[str, Any]:
        return {"per_student": self.per_student, "fingerprint": self.fingerprint}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BatchInputs:
        return cls(per_student=bool(data["per_student"]), fingerprint=str(data["fingerprint"]))

    def secret(self, course_path: Path, where: str) -> CourseSecret:
        """A worker's side: its own copy of the secret, which must be the parent's."""
        secret = load_secret(course_path)
        if secret is None:
            raise ConfigError(
                f"{where} has no course secret (no GRADER_SECRET and no .grader-secret beside {course_path}), while"
                f" the batch grades on instructor inputs from secret {self.fingerprint}. Copy the course's"
                " .grader-secret there (privately) or set GRADER_SECRET for the workers."
            )
        if secret.fingerprint != self.fingerprint:
            raise ConfigError(
                f"{where} has course secret {secret.fingerprint} ({secret.origin}), the batch's is {self.fingerprint}:"
                " every submission of a class must be graded on the same instructor inputs. Give every worker the"
                " course's .grader-secret (or the same GRADER_SECRET)."
            )
        return secret

    def plan(self, secret: CourseSecret, student: str) -> InputPlan:
        """The inputs of one student's grading."""
        return InputPlan.instructor(secret, student if self.per_student else None)
