"""One batch's bookkeeping, the same whoever grades: read each input, skip what is done, record each grade.

`grade batch -j N` (`grader.batch.run`, worker processes) and `grade batch --scheduler`
(`grader.batch.cluster.client`, Dask workers) differ only in who grades a submission. Everything
else is here, once: the options checked before anything starts, each input read safely
(`grader.intake.submissions`), duplicates of an earlier input and submissions the gradebook
already holds (`--resume`) skipped, unreadable inputs recorded as error rows, each grade written
to the gradebook as soon as it is known (with the code beside it, for `grade report`), the
progress, and the report computed from the gradebook's rows.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from grader.batch.gradebook import ERROR, OK, Gradebook, Row, utc_now
from grader.batch.pool import Outcome
from grader.batch.progress import Progress
from grader.batch.totals import summarize
from grader.course.config import Course
from grader.errors import UsageError
from grader.intake.archive import sha256_bytes
from grader.intake.identity import Collision, Skipped, find_collisions, name_of
from grader.intake.submissions import Intake, Source, SourceKind, discover, intake
from grader.results import GradeResult
from grader.safetext import for_terminal


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
        received_at=item.received_at,
        **fields,  # type: ignore[arg-type]
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
    collided: int = 0  # inputs whose different names give one student id: one error row per id, none graded
    not_read: tuple[Skipped, ...] = ()  # entries of the input folders that were not graded, with the reason

    def render(self, gradebook_path: Path) -> str:
        """The summary printed at the end of a batch."""
        per = f", {self.wall_s / self.graded:.1f} s per graded submission" if self.graded else ""
        head = (
            f"Batch: {self.sources} inputs in {self.wall_s:.1f} s with {self.jobs} worker(s){per};"
            f" {self.graded} graded now, {self.refused} refused when read, {self.skipped} already in the"
            f" gradebook (--resume), {self.duplicates} duplicate(s) skipped"
            + (f", {self.collided} in an identity collision (one error row per id)" if self.collided else "")
        )
        lines = [f"Not graded: {len(self.not_read)} entr(y/ies) of the input folders"] if self.not_read else []
        lines += [f"  {item.path}: {item.reason}" for item in self.not_read]
        students = len({row.student for row in self.rows})
        tail = f"Students in the gradebook from this batch: {students}\nGradebook: {gradebook_path}\n"
        return head + "\n" + "".join(line + "\n" for line in lines) + summarize(self.rows).render() + tail


@dataclass(frozen=True)
class Found:
    """A batch's inputs as found on disk, before any is read, and when the batch started (time.monotonic())."""

    sources: list[Source]
    not_read: tuple[Skipped, ...]
    started: float


def find_inputs(inputs: list[Path], *, gradebook_path: Path, course: Course, exercise_ids: list[str] | None) -> Found:
    """The batch's inputs, after refusing, before anything starts, a gradebook in a missing folder or an exercise
    the course lacks."""
    if not gradebook_path.parent.is_dir():
        raise UsageError(f"The folder of --gradebook {gradebook_path} does not exist; create it first.")
    for exercise_id in exercise_ids or []:
        course.exercise(exercise_id)
    not_read: list[Skipped] = []
    sources = discover(inputs, course.modules, not_read)
    return Found(sources=sources, not_read=tuple(not_read), started=time.monotonic())


def default_timeout(course: Course) -> float:
    """A whole submission's limit: every module's import and two calls per exercise timing out, plus slack."""
    return course.limits.time_limit_s * (len(course.modules) + 2 * len(course.exercises)) + 120.0


class Ledger:
    """The gradebook side of one batch: which inputs to grade, and every row written as it is known."""

    def __init__(
        self,
        gradebook: Gradebook,
        course: Course,
        sources: list[Source],
        *,
        resume: bool,
        progress: Progress | None,
        inputs_key: str,
        started: float | None = None,
        not_read: tuple[Skipped, ...] = (),
    ) -> None:
        self.gradebook = gradebook
        self.not_read = not_read
        self.course = course
        self.sources = sources
        self.resume = resume
        # The inputs this batch grades on: --resume skips a row only when it was graded on the same.
        self.inputs_key = inputs_key
        self.progress = progress
        # When the batch started (time.monotonic()): its wall time counts from there.
        self.started = time.monotonic() if started is None else started
        self.counts = {"graded": 0, "refused": 0, "skipped": 0, "duplicates": 0, "done": 0, "collided": 0}
        self._keys: list[tuple[str, str]] = []

    @classmethod
    @contextmanager
    def opened(
        cls,
        gradebook_path: Path,
        course: Course,
        found: Found,
        *,
        resume: bool,
        progress: Progress | None,
        inputs_key: str,
    ) -> Iterator[Ledger]:
        """The ledger of `found`'s batch over the gradebook at `gradebook_path`, open for the batch's duration."""
        with Gradebook(gradebook_path, course_id=course.id) as gradebook:
            yield cls(
                gradebook,
                course,
                found.sources,
                resume=resume,
                progress=progress,
                started=found.started,
                inputs_key=inputs_key,
                not_read=found.not_read,
            )

    def _tick(self, label: str) -> None:
        self.counts["done"] += 1
        if self.progress is not None:  # the label holds a student's id: shown on a terminal
            self.progress(self.counts["done"], len(self.sources), for_terminal(label))

    def _record(self, row: Row, counter: str) -> None:
        self.gradebook.record(row)
        self.counts[counter] += 1
        graded = row.status == "ok" and row.score is not None and row.max_score is not None
        self._tick(f"{row.student}: {row.score}/{row.max_score}" if graded else f"{row.student}: {row.status}")

    def to_grade(self) -> Iterator[Intake]:
        """Each input read in turn; yields those to grade, and records or skips the others as it goes."""
        seen: set[tuple[str, str]] = set()
        collisions = find_collisions([(s.path, name_of(s.path, s.kind == SourceKind.NOTEBOOK)) for s in self.sources])
        collided = {path for collision in collisions for path in collision.paths}
        for collision in collisions:
            self._record_collision(collision, seen)
        for source in self.sources:
            if source.path in collided:
                continue
            item = intake(source, self.course)
            key = (item.student, item.sha256)
            if key in seen:
                self.counts["duplicates"] += 1
                self._tick(f"{item.student}: duplicate of an earlier input")
                continue
            seen.add(key)
            self._keys.append(key)
            if self.resume and self.gradebook.resumable(*key, self.inputs_key):
                self.counts["skipped"] += 1
                self._tick(f"{item.student}: already in the gradebook")
            elif item.error:
                self._record(row_of(item, status=ERROR, error=item.error), "refused")
            else:
                yield item

    def _record_collision(self, collision: Collision, seen: set[tuple[str, str]]) -> None:
        """One error row for inputs whose names give one id (keyed by their paths, so --resume skips it)."""
        sha = sha256_bytes("\0".join(str(path) for path in collision.paths).encode("utf-8", "surrogateescape"))
        key = (collision.student, sha)
        seen.add(key)
        self._keys.append(key)
        if self.resume and self.gradebook.contains(*key):
            self.counts["skipped"] += len(collision.paths)
        else:
            self.gradebook.record(
                Row(
                    student=collision.student,
                    source=" | ".join(str(path) for path in collision.paths),
                    sha256=sha,
                    submitted_at=None,
                    graded_at=utc_now(),
                    status=ERROR,
                    error=collision.message(),
                    received_at=utc_now(),
                )
            )
            self.counts["collided"] += len(collision.paths)
        for _ in collision.paths:
            self._tick(f"{collision.student}: identity collision")

    def graded(self, item: Intake, outcome: Outcome) -> None:
        """One grading's row, committed now, with the code kept beside it (for `grade report`'s comparisons)."""
        modules = {name: data.decode("utf-8", "replace") for name, data in item.modules.items()}
        self.gradebook.record_modules(item.student, item.sha256, modules)
        self._record(row_from_outcome(item, outcome), "graded")

    def report(self, *, jobs: int) -> BatchReport:
        """The batch's report, from the gradebook's rows of this batch's inputs."""
        wanted = set(self._keys)
        rows = tuple(row for row in self.gradebook.rows() if (row.student, row.sha256) in wanted)
        return BatchReport(
            sources=len(self.sources),
            graded=self.counts["graded"],
            refused=self.counts["refused"],
            skipped=self.counts["skipped"],
            duplicates=self.counts["duplicates"],
            collided=self.counts["collided"],
            not_read=self.not_read,
            rows=rows,
            wall_s=round(time.monotonic() - self.started, 3),
            jobs=jobs,
        )
