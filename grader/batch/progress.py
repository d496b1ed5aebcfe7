"""The progress of `grade batch` on a terminal: a bar with the count, the rate and the ETA (rich)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.progress import (
    Progress as RichProgress,
)
from rich.text import Text

# What `run_batch` calls after each submission: (done, total, label).
Progress = Callable[[int, int, str], None]


class RateColumn(ProgressColumn):
    """Seconds per submission, as measured so far."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("? s each" if not speed else f"{1 / speed:.1f} s each", style="progress.data.speed")


class TerminalProgress:
    """A progress bar with the count, the rate and the ETA on a terminal; silent when `stream` is not one."""

    def __init__(self, stream: TextIO) -> None:
        self.enabled = stream.isatty()
        self.bar = RichProgress(
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            RateColumn(),
            TextColumn("{task.fields[label]}"),
            console=Console(file=stream, color_system=None),
        )
        self.task: TaskID | None = None

    def __call__(self, done: int, total: int, label: str) -> None:
        if not self.enabled or total == 0:
            return
        if self.task is None:
            self.bar.start()
            self.task = self.bar.add_task("grading", total=total, label="")
        self.bar.update(self.task, completed=done, label=label[:40], refresh=True)
        if done == total:
            self.close()

    def close(self) -> None:
        """Leave the bar as it is on the terminal (also when the batch stopped early)."""
        self.bar.stop()
