"""The progress of `grade batch` on a terminal, in warm pools or on a Dask cluster: a bar with the count, the rate,
the ETA, the time elapsed and each submission's score (rich)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import (
    Progress as RichProgress,
)

# What `run_batch` calls after each submission: (done, total, label).
Progress = Callable[[int, int, str], None]


class TerminalProgress:
    """A progress bar with the count, the rate and the ETA on a terminal; silent when `stream` is not one."""

    def __init__(self, stream: TextIO) -> None:
        self.enabled = stream.isatty()
        self.bar = RichProgress(
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[rate]}", style="progress.data.speed"),
            TextColumn("{task.fields[label]}", markup=False),  # a submission id is data, never rich markup
            console=Console(file=stream, color_system=None),
        )
        self.task: TaskID | None = None
        # The batch starts when its progress is made (before the first submission is graded): the rate counts from here.
        self.started = time.monotonic()

    def __call__(self, done: int, total: int, label: str) -> None:
        if not self.enabled or total == 0:
            return
        if self.task is None:
            self.bar.start()
            self.task = self.bar.add_task("grading", total=total, label="", rate="")
        elapsed = time.monotonic() - self.started
        rate = f"{done / elapsed * 60:.1f}/min" if elapsed > 0 else ""
        self.bar.update(self.task, completed=done, label=label[:40], rate=rate, refresh=True)
        if done == total:
            self.close()

    def close(self) -> None:
        """Leave the bar as it is on the terminal (also when the batch stopped early)."""
        self.bar.stop()

    def __enter__(self) -> TerminalProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
