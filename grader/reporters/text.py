"""The terminal table (rich): exercise, test, points and status, with each failure's message and hint under its test."""

from __future__ import annotations

import io
import shutil

from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from grader.results import PASSED, GradeResult
from grader.safetext import for_terminal


def _test_cell(name: str, message: str, hint: str, detail: str = "") -> RenderableType:
    """The test's name, and under it (indented) what went wrong, the hint, and for the instructor the values."""
    parts = (message, f"hint: {hint}" if hint else "", f"instructor only: {detail}" if detail else "")
    details = for_terminal("\n".join(part for part in parts if part))
    if not details:
        return Text(for_terminal(name))
    return Group(Text(for_terminal(name)), Padding(Text(details), (0, 0, 0, 2)))


def render_text(result: GradeResult, width: int | None = None) -> str:
    """The result as plain text for a terminal of `width` columns (default: this terminal's, at least 80)."""
    width = width or max(shutil.get_terminal_size((100, 24)).columns, 80)
    buffer = io.StringIO()
    # force_jupyter=False: in a Jupyter kernel rich would display each print as an output of its own (the header,
    # the table and the totals shown again, out of order) instead of writing them to the buffer.
    console = Console(
        file=buffer,
        width=width,
        color_system=None,
        highlight=False,
        emoji=False,
        soft_wrap=False,
        force_jupyter=False,
    )
    console.print(
        Text(
            f"Grading {for_terminal(result.submission or 'submission')} for {result.course_id} {result.course_version}"
            f" (isolation: {result.isolation}, device: {result.environment.get('device', 'unknown')})"
        )
    )
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("exercise", no_wrap=True)
    table.add_column("test", overflow="fold", ratio=1)
    table.add_column("points", no_wrap=True)
    table.add_column("status", no_wrap=True)
    previous = None
    for exercise, test in result.tests:
        shown = exercise.id if exercise.id != previous else ""
        previous = exercise.id
        status = test.status if test.status == PASSED else test.status.upper()
        points = f"{test.score}/{test.max_score}"
        table.add_row(
            Text(shown), _test_cell(test.name, test.message, test.hint, test.detail), Text(points), Text(status)
        )
    console.print(table)
    scaled = any(graded.scaled for graded in result.assignments)
    # With scaled assignments the total is raw points (weights), not a grade: said so, the grades are below.
    lines = [
        f"Total: {result.score}/{result.max_score}"
        + (" points (raw, every test; each assignment's grade out of 100 is below)" if scaled else "")
    ]
    lines += [f"  {exercise.id}: {exercise.score}/{exercise.max_score}" for exercise in result.exercises]
    lines += [
        f"Assignment {graded.name} ({graded.title}): {graded.grade:g}/{graded.max_grade}"
        + (f" ({graded.points}/{graded.max_points} points)" if graded.scaled else "")
        for graded in result.assignments
    ]
    lines += [f"internal error: {for_terminal(error)}" for error in result.internal_errors]
    console.print(Text("\n".join(lines)))
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())
