"""The figures printed after a batch (`grade batch`'s last lines), computed from its gradebook rows."""

from __future__ import annotations

from dataclasses import dataclass

from grader.batch.gradebook import ERROR, OK, Row
from grader.safetext import for_terminal


@dataclass(frozen=True)
class Summary:
    """The figures printed after a batch, computed from its rows."""

    submissions: int
    ok: int
    mean_score: float | None
    mean_max_score: float | None
    # (exercise id, submissions with full marks on it, submissions graded on it)
    pass_rates: tuple[tuple[str, int, int], ...]
    errors: tuple[Row, ...]
    modified: tuple[Row, ...]

    def render(self) -> str:
        lines = [f"Submissions: {self.submissions} ({self.ok} graded, {len(self.errors)} errors)"]
        if self.mean_score is not None:
            lines.append(f"Mean score: {self.mean_score:.1f} / {self.mean_max_score:g} (graded submissions)")
        if self.pass_rates:
            lines.append("Pass rate per exercise (full marks):")
            width = max(len(exercise) for exercise, _, _ in self.pass_rates)
            for exercise, passed, total in self.pass_rates:
                lines.append(f"  {exercise.ljust(width)}  {passed}/{total}  {100.0 * passed / total:.0f}%")
        lines.append(f"Modified after submit: {len(self.modified)}")
        lines += [for_terminal(f"  {row.student} ({row.source}): {row.notes}") for row in self.modified]
        lines.append(f"Errors: {len(self.errors)}")
        lines += [for_terminal(f"  {row.student} ({row.source}): {row.error}") for row in self.errors]
        return "\n".join(lines) + "\n"


def summarize(rows: list[Row] | tuple[Row, ...]) -> Summary:
    """Count, mean, per-exercise pass rate, errors and tampering over `rows`."""
    graded = [row for row in rows if row.status == OK and row.score is not None]
    passes: dict[str, list[int]] = {}
    for row in graded:
        for exercise in (row.result or {}).get("exercises", []):
            tally = passes.setdefault(exercise["id"], [0, 0])
            tally[0] += int(exercise["score"] == exercise["max_score"])
            tally[1] += 1
    return Summary(
        submissions=len(rows),
        ok=len(graded),
        mean_score=sum(row.score or 0 for row in graded) / len(graded) if graded else None,
        mean_max_score=sum(row.max_score or 0 for row in graded) / len(graded) if graded else None,
        pass_rates=tuple((exercise, tally[0], tally[1]) for exercise, tally in passes.items()),
        errors=tuple(row for row in rows if row.status == ERROR),
        modified=tuple(row for row in rows if row.modified_after_submit),
    )
