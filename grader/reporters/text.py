"""The terminal table: exercise, test, points, status, and the message and hint of each failure."""

from __future__ import annotations

import shutil
import textwrap

from grader.results import PASSED, GradeResult

HEADERS = ("exercise", "test", "points", "status")


def render_text(result: GradeResult, width: int | None = None) -> str:
    width = width or max(shutil.get_terminal_size((100, 24)).columns, 80)
    rows = [
        (
            exercise.id,
            test.name,
            f"{test.score}/{test.max_score}",
            test.status.upper() if test.status != PASSED else "passed",
            test,
        )
        for exercise, test in result.tests
    ]
    widths = [max([len(h)] + [len(row[i]) for row in rows]) for i, h in enumerate(HEADERS)]
    indent = sum(widths) + 2 * len(widths)
    lines = [
        f"Grading {result.submission or 'submission'} for {result.course_id} {result.course_version}"
        f" (isolation: {result.isolation}, device: {result.environment.get('device', 'unknown')})",
        "",
        "  ".join(h.ljust(w) for h, w in zip(HEADERS, widths)),
        "  ".join("-" * w for w in widths),
    ]
    previous = None
    for exercise_id, name, points, status, test in rows:
        shown = exercise_id if exercise_id != previous else ""
        previous = exercise_id
        lines.append("  ".join(value.ljust(w) for value, w in zip((shown, name, points, status), widths)).rstrip())
        details = []
        if test.message:
            details.append(test.message)
        if test.hint:
            details.append(f"hint: {test.hint}")
        wrap_width = max(width - indent, 40)
        for detail in details:
            for paragraph in detail.splitlines() or [""]:
                for line in textwrap.wrap(paragraph, wrap_width) or [""]:
                    lines.append(" " * indent + line)
    lines += ["", f"Total: {result.score}/{result.max_score}"]
    for exercise in result.exercises:
        lines.append(f"  {exercise.id}: {exercise.score}/{exercise.max_score}")
    for error in result.internal_errors:
        lines.append(f"internal error: {error}")
    return "\n".join(lines) + "\n"
