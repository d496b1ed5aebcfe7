"""Which inputs a grading draws: the public seeds of course.toml, or the instructor's.

`InputPlan.PUBLIC` hands every suite the seeds course.toml lists (a student's `grade check` in a
release; the student sees those inputs). An instructor plan replaces them, for each exercise, by
seeds derived from the course secret (`grader.course.secret`), as many as course.toml lists; with
a student's id (`--per-student`) two students get different inputs. Hidden tests draw from
course.toml's `hidden_seeds` when the course lists them (an instructor's override), else from
derived seeds too.

A failure on instructor inputs is told to the student without the inputs' values
(`grader.grading.redaction`); the instructor keeps them (`TestResult.detail`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from grader.course.config import ExerciseSpec
from grader.course.secret import CourseSecret, SeedSet
from grader.results import Inputs


@dataclass(frozen=True)
class InputPlan:
    """The inputs of one grading: public, or the instructor's (optionally for one student)."""

    kind: Inputs
    secret: CourseSecret | None = None
    student: str | None = None

    def __post_init__(self) -> None:
        if self.kind == Inputs.INSTRUCTOR and self.secret is None:
            raise ValueError("instructor inputs need the course secret")
        if self.kind == Inputs.PUBLIC and (self.secret is not None or self.student is not None):
            raise ValueError("public inputs take neither a secret nor a student")

    @classmethod
    def instructor(cls, secret: CourseSecret, student: str | None = None) -> InputPlan:
        return cls(kind=Inputs.INSTRUCTOR, secret=secret, student=student)

    @property
    def label(self) -> str:
        if self.kind == Inputs.PUBLIC:
            return "public inputs (the seeds in course.toml, which students see)"
        per_student = f", for student {self.student}" if self.student is not None else ""
        return f"instructor inputs (seeds derived from the course secret{per_student}; no student has seen them)"

    @property
    def key(self) -> str:
        """Which inputs, as a grading's result records them: two gradings with one key ran on the same inputs."""
        return inputs_key(self.secret.fingerprint if self.secret is not None else None, self.student is not None)

    def spec_for(self, exercise: ExerciseSpec) -> ExerciseSpec:
        """The exercise as its suites see it in this grading: its seeds replaced by the instructor's."""
        if self.kind == Inputs.PUBLIC or self.secret is None:
            return exercise
        seeds = tuple(
            self.secret.seed(exercise.id, SeedSet.PUBLIC_TESTS, index, self.student)
            for index in range(len(exercise.seeds))
        )
        hidden_seeds = exercise.hidden_seeds or tuple(
            self.secret.seed(exercise.id, SeedSet.HIDDEN_TESTS, index, self.student)
            for index in range(len(exercise.seeds))
        )
        return replace(exercise, seeds=seeds, hidden_seeds=hidden_seeds)


PUBLIC_INPUTS = InputPlan(kind=Inputs.PUBLIC)


def inputs_key(fingerprint: str | None, per_student: bool) -> str:
    """ "public", or "instructor:<secret's fingerprint>" (":per-student" added when the student's id is mixed in)."""
    if fingerprint is None:
        return Inputs.PUBLIC.value
    return f"{Inputs.INSTRUCTOR.value}:{fingerprint}" + (":per-student" if per_student else "")
