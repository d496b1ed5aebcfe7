"""Grade a submission in a warm pool, and grade it again once if the pool stopped meanwhile.

Every verb that grades more than one submission in its life (`grade batch`'s workers, the Dask
workers through them, the nbgrader kernel, the Gradescope autograder) keeps one `WarmPool`
(`grader.sandbox.warm_pool`) and grades through `grade_pooled`. A pool that dies or is damaged while
a submission is graded (the submission killed it, a wipe failed) is restarted and the
submission graded again from the start; a submission that stops its pool twice is not graded:
`grade_pooled` raises, and a batch records an error row and goes on.
"""

from __future__ import annotations

from pathlib import Path

from grader.course.config import Course
from grader.errors import GraderError, InternalError
from grader.grading.inputs import PUBLIC_INPUTS, InputPlan
from grader.grading.reference import Reference
from grader.grading.runner import grade
from grader.results import GradeResult
from grader.sandbox.warm_pool import WarmPool

# Gradings of one submission: the first, and one more in a fresh pool if the first stopped it.
POOL_ATTEMPTS = 2


def grade_pooled(
    *,
    pool: WarmPool,
    course: Course,
    submission_dir: Path,
    reference: Reference,
    exercise_ids: list[str] | None = None,
    time_limit_s: float | None = None,
    plots: bool = False,
    inputs: InputPlan = PUBLIC_INPUTS,
    stop_at: float | None = None,
) -> GradeResult:
    """`grade` in `pool`; a grading during which the pool stopped is done again once, in a fresh pool."""
    reasons: list[str] = []
    for _ in range(POOL_ATTEMPTS):
        pool.prepare()
        try:
            result = grade(
                course=course,
                submission_dir=submission_dir,
                reference=reference,
                exercise_ids=exercise_ids,
                time_limit_s=time_limit_s,
                plots=plots,
                pool=pool,
                inputs=inputs,
                stop_at=stop_at,
            )
        except GraderError:
            if pool.damage is None:
                raise
            result = None
        damage = pool.take_damage()
        if damage is None and result is not None:
            return result
        reasons.append(damage or "the warm sandbox stopped")
        pool.close()
    raise InternalError(
        f"grading {submission_dir} stopped the warm sandbox {len(reasons)} times ({'; '.join(reasons)}), so it was"
        " not graded. Grade it alone with `grade check` to see what it does; a submission that kills the"
        " processes around it scores nothing"
    )
