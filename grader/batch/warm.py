"""Before `grade batch` starts its workers: the reference's answers computed once, into the course's cache.

Without it, every worker of a cold batch starts a reference sandbox of its own (a TensorFlow import and
its memory, for answers that one of them computes while the others wait on the cache's lock). Here the
parent grades the solutions once on the batch's inputs, in one sandbox, before any worker starts: each
worker then loads every answer from the cache and starts no reference sandbox (`Reference.start`), unless
a submission asks a question the solutions never did. A marker beside the cache says which inputs were
warmed, so that a second batch on the same course and inputs does not grade the solutions again.
Per-student inputs differ for each student: warming them would be the reference's whole work again, so
those batches keep computing the reference's answers in their workers.
"""

from __future__ import annotations

from pathlib import Path

from grader.batch.counted import BatchInputs
from grader.course.config import Course
from grader.grading.reference import Reference
from grader.grading.reference_cache import ReferenceCache
from grader.grading.runner import grade


def warm_marker(cache: ReferenceCache, inputs_key: str, exercise_ids: list[str] | None) -> Path:
    """The file that says this cache holds every answer the solutions need on these inputs (and exercises)."""
    which = "all" if not exercise_ids else "+".join(sorted(exercise_ids))
    return cache.folder / f"{cache.digest}.warm-{inputs_key}-{which}"


def warm_reference(course: Course, solutions: Path | None, inputs: BatchInputs, exercise_ids: list[str] | None) -> bool:
    """Grade the solutions once on the batch's inputs so that the cache holds the reference's answers; returns
    whether it graded (False: per-student inputs, no solutions beside the course, or warmed already)."""
    solutions = solutions if solutions is not None else course.path.parent / "solutions"
    if inputs.per_student or not solutions.is_dir():
        return False
    reference = Reference.cached(course, solutions)
    assert reference.cache is not None
    marker = warm_marker(reference.cache, inputs.key, exercise_ids)
    if marker.is_file():
        reference.close()
        return False
    secret = inputs.secret(course.path, "grade batch")
    try:
        grade(
            course=course,
            submission_dir=solutions,
            reference=reference,
            exercise_ids=exercise_ids,
            inputs=inputs.plan(secret, ""),
        )
    finally:
        reference.close()
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.touch()
    return True
