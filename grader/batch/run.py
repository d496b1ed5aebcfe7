"""`grade batch`: find the submissions, read each one safely, grade them in worker processes,
and write every grade to the gradebook as soon as it is known.

The parent reads each submission and keeps the gradebook (`grader.batch.ledger`, the same
bookkeeping as a batch on Dask), and hands the modules to a pool of worker processes
(`grader.batch.pool`): fresh interpreters, each keeping a warm pool and one `Reference` for the
whole batch. Only the parent writes the gradebook.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from grader.batch.counted import BatchInputs
from grader.batch.ledger import BatchReport, Ledger, default_timeout, find_inputs
from grader.batch.pool import Pool
from grader.batch.progress import Progress
from grader.batch.warm import warm_reference
from grader.course.config import Course
from grader.errors import UsageError
from grader.intake.submissions import Intake


def run_batch(
    *,
    inputs: list[Path],
    gradebook_path: Path,
    course: Course,
    solutions: Path | None = None,
    jobs: int = 1,
    resume: bool = False,
    exercise_ids: list[str] | None = None,
    timeout_s: float | None = None,
    progress: Progress | None = None,
    work_dir: Path | None = None,
    scheduler: str | None = None,
    local_workers: int | None = None,
    say: Callable[[str], None] | None = None,
    per_student: bool = False,
) -> BatchReport:
    """Grade every submission in `inputs` into the gradebook; returns what was done.

    With `scheduler` (a Dask scheduler's address) or `local_workers` (a LocalCluster of that
    many processes) the grading runs on Dask workers (`grader.batch.cluster`); `jobs` is then unused.

    The workers load the course from `course.path`. Temporary files (extracted submissions,
    the sandboxes' scratch folders) live in one folder under `work_dir` (default: the system's
    temporary folder), removed at the end.

    Every submission is graded on instructor inputs (`grader.batch.counted`): seeds derived from the
    course secret, which this creates beside course.toml the first time (and says where); with
    `per_student`, the student's id is mixed in, so two students' inputs differ.
    """
    counted = BatchInputs.for_course(course.path, per_student=per_student, say=say)
    if scheduler is not None or local_workers is not None:
        from grader.batch.cluster.client import run_cluster_batch

        return run_cluster_batch(
            inputs=inputs,
            gradebook_path=gradebook_path,
            course=course,
            solutions=solutions,
            scheduler=scheduler,
            local_workers=local_workers,
            resume=resume,
            exercise_ids=exercise_ids,
            timeout_s=timeout_s,
            progress=progress,
            say=say,
            counted=counted,
        )
    if jobs < 1:
        raise UsageError(f"-j must be at least 1, received {jobs}.")
    found = find_inputs(inputs, gradebook_path=gradebook_path, course=course, exercise_ids=exercise_ids)
    with Ledger.opened(
        gradebook_path, course, found, resume=resume, progress=progress, inputs_key=counted.key
    ) as ledger:
        if found.sources:
            # The reference's answers once, here, before any worker starts: no worker starts a reference sandbox.
            warm_reference(course, solutions, counted, exercise_ids)
        root = Path(tempfile.mkdtemp(prefix="grader-batch-", dir=work_dir))
        try:
            pool: Pool[Intake] = Pool(
                course=course,
                solutions=solutions,
                jobs=jobs,
                exercise_ids=exercise_ids,
                root=root,
                timeout_s=timeout_s or default_timeout(course),
                inputs=counted,
            )
            pool.run(((item, item.modules, item.student) for item in ledger.to_grade()), ledger.graded)
        finally:
            shutil.rmtree(root, ignore_errors=True)
        return ledger.report(jobs=jobs)
