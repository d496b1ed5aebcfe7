"""What a person waiting at a terminal sees while a verb grades: the exercise being graded, done/total, elapsed.

`LiveSteps` is the runner's progress callback (`grader.grading.runner.Steps`) drawn with rich on a terminal's
stderr, and removed when the grading ends, before the report is printed. It draws nothing when the output is
not a terminal (a file, a pipe, CI) or is for a machine (JSON and the other formats: whatever reads it wants
them only).
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from grader.safetext import for_terminal


class LiveSteps:
    """A transient rich line: `what`, the exercise being graded, tests done/total and the time elapsed."""

    def __init__(self, what: str, *, stream: TextIO | None = None, machine_output: bool = False) -> None:
        stream = stream if stream is not None else sys.stderr
        self.what = what
        self.enabled = stream.isatty() and sys.stdout.isatty() and not machine_output
        self.bar = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}", markup=False),
            BarColumn(bar_width=20),
            MofNCompleteColumn(),
            TextColumn("tests"),
            TimeElapsedColumn(),
            console=Console(file=stream, color_system=None),
            transient=True,
            # Never swap sys.stdout: the display starts inside the runner's own redirection of pytest's output, and
            # would restore that redirection at its end, swallowing the report printed after it.
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self.task: TaskID | None = None

    def __call__(self, exercise: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        description = f"{self.what}: {for_terminal(exercise)}"
        if self.task is None:
            self.bar.start()
            self.task = self.bar.add_task(description, total=total)
        self.bar.update(self.task, description=description, completed=done, total=total, refresh=True)

    def __enter__(self) -> LiveSteps:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self.task is not None:
            self.bar.stop()
