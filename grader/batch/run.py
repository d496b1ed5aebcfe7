"""`grade batch`: find the submissions, read each one safely, grade them in worker processes,
and write every grade to the gradebook as soon as it is known.

The parent reads each submission (`grader.intake.submissions`), skips what the gradebook
already holds (`--resume`), and hands the modules to a pool of worker processes
(`grader.batch.pool`): fresh interpreters, each keeping one `Reference` for the whole batch.
Only the parent writes the gradebook.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from grader.batch.gradebook import ERROR, OK, Gradebook, Row, summarize, utc_now
from grader.batch.pool import Outcome, Pool
from grader.batch.progress import Progress
from grader.course.config import Course
from grader.errors import UsageError
from grader.intake.submissions import Intake, discover, intake
from grader.results import GradeResult


def row_of(item: Intake, *, status: str, error: str = "", **fields: object) -> Row:
    """The gradebook row of a submission read by intake."""
    return Row(
        student=item.student,
        source=str(item.source.path),
        sha256=item.sha256,
        submitted_at=item.submitted_at,
        graded_at=utc_now(),
        status=status,
        error=error,
        modified_after_submit=item.modified_after_submit,
        notes="; ".join(item.notes),
        **fields,  # type: ignore[arg-type]
    )


@dataclass(frozen=True)
class BatchReport:
    """What one batch did; the summary is computed from the gradebook rows of its submissions."""

    sources: int
    graded: int  # graded by a worker now (a crash or timeout included)
    refused: int  # refused when read (unsafe archive, no module...): error rows
    skipped: int  # already in the gradebook (--resume)
    duplicates: int  # the same (student, sha256) as an earlier input of this batch
    rows: tuple[Row, ...]
    wall_s: float
    jobs: int = 1

    def render(self, gradebook_path: Path) -> str:
        """The summary printed at the end of a batch."""
        per = f", {self.wall_s / self.graded:.1f} s per graded submission" if self.graded else ""
        head = (
            f"Batch: {self.sources} inputs in {self.wall_s:.1f} s with {self.jobs} worker(s){per};"
            f" {self.graded} graded now, {self.refused} refused when read, {self.skipped} already in the"
            f" gradebook (--resume), {self.duplicates} duplicate(s) skipped"
        )
        return head + "\n" + summarize(self.rows).render() + f"Gradebook: {gradebook_path}\n"


def default_timeout(course: Course) -> float:
    """A whole submission's limit: every module's import and two calls per exercise timing out, plus slack."""
    return course.limits.time_limit_s * (len(course.modules) + 2 * len(course.exercises)) + 120.0


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
) -> BatchReport:
    """Grade every submission in `inputs` into the gradebook; returns what was done.

    With `scheduler` (a Dask scheduler's address) or `local_workers` (a LocalCluster of that
    many processes) the grading runs on Dask workers (`grader.batch.cluster`); `jobs` is then unused.

    The workers load the course from `course.path`. Temporary files (extracted submissions,
    the sandboxes' scratch folders) live in one folder under `work_dir` (default: the system's
    temporary folder), removed at the end.
    """
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
        )
    if jobs < 1:
        raise UsageError(f"-j must be at least 1, received {jobs}.")
    if not gradebook_path.parent.is_dir():
        raise UsageError(f"The folder of --gradebook {gradebook_path} does not exist; create it first.")
    for exercise_id in exercise_ids or []:
        course.exercise(exercise_id)
    sources = discover(inputs, course.modules)
    started = time.monotonic()
    seen: set[tuple[str, str]] = set()
    keys: list[tuple[str, str]] = []
    counts = {"graded": 0, "refused": 0, "skipped": 0, "duplicates": 0, "done": 0}
    with Gradebook(gradebook_path, course_id=course.id) as gradebook:

        def tick(label: str) -> None:
            counts["done"] += 1
            if progress is not None:
                progress(counts["done"], len(sources), label)

        def record(row: Row, counter: str) -> None:
            gradebook.record(row)
            counts[counter] += 1
            tick(f"{row.student}: {row.status}")

        def jobs_to_run() -> Iterator[tuple[Intake, dict[str, bytes]]]:
            for source in sources:
                item = intake(source, course)
                key = (item.student, item.sha256)
                if key in seen:
                    counts["duplicates"] += 1
                    tick(f"{item.student}: duplicate of an earlier input")
                    continue
                seen.add(key)
                keys.append(key)
                if resume and gradebook.contains(*key):
                    counts["skipped"] += 1
                    tick(f"{item.student}: already in the gradebook")
                elif item.error:
                    record(row_of(item, status=ERROR, error=item.error), "refused")
                else:
                    yield item, item.modules

        def done(item: Intake, outcome: Outcome) -> None:
            # The code is kept beside the grade, so that `grade report` can compare submissions.
            modules = {name: data.decode("utf-8", "replace") for name, data in item.modules.items()}
            gradebook.record_modules(item.student, item.sha256, modules)
            record(row_from_outcome(item, outcome), "graded")

        root = Path(tempfile.mkdtemp(prefix="grader-batch-", dir=work_dir))
        try:
            pool: Pool[Intake] = Pool(
                course=course,
                solutions=solutions,
                jobs=jobs,
                exercise_ids=exercise_ids,
                root=root,
                timeout_s=timeout_s or default_timeout(course),
            )
            pool.run(jobs_to_run(), done)
        finally:
            shutil.rmtree(root, ignore_errors=True)
        wanted = set(keys)
        rows = tuple(row for row in gradebook.rows() if (row.student, row.sha256) in wanted)
    return BatchReport(
        sources=len(sources),
        graded=counts["graded"],
        refused=counts["refused"],
        skipped=counts["skipped"],
        duplicates=counts["duplicates"],
        rows=rows,
        wall_s=round(time.monotonic() - started, 3),
        jobs=jobs,
    )


def row_from_outcome(item: Intake, outcome: Outcome) -> Row:
    """The gradebook row of one grading: ok, or error when it failed or the grader itself failed somewhere."""
    duration = round(outcome.duration_s, 3)
    if outcome.result is None:
        return row_of(item, status=ERROR, error=outcome.error or "no result", duration_s=duration)
    try:
        result = GradeResult.from_dict(outcome.result)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        return row_of(
            item, status=ERROR, error=f"the grading process sent a malformed result ({error})", duration_s=duration
        )
    # The result names the submission by its input, not by the temporary folder it was graded in;
    # its duration goes in its own column, so that two gradings of the same input compare equal.
    result = replace(result, submission=str(item.source.path), duration_s=0.0)
    return row_of(
        item,
        status=ERROR if result.internal_errors else OK,
        error="; ".join(result.internal_errors),
        score=result.score,
        max_score=result.max_score,
        result=result.to_dict(),
        duration_s=duration,
    )
