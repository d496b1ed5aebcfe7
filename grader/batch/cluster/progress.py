"""The progress bar of a cluster batch: done/total, rate, ETA and the last graded submission (rich)."""

from __future__ import annotations

from typing import Any, TextIO


class RichProgress:
    """A `grader.batch.progress.Progress` callback drawn with rich on a terminal; silent when `stream` is not one."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.enabled = stream.isatty()
        self._progress: Any = None
        self._task: Any = None

    def _start(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[label]}"),
            console=Console(file=self.stream),
            transient=False,
        )
        self._progress.start()
        self._task = self._progress.add_task("grading", total=total, rate="", label="")

    def __call__(self, done: int, total: int, label: str) -> None:
        if not self.enabled or total == 0:
            return
        if self._progress is None:
            self._start(total)
        task = self._progress.tasks[0]
        elapsed = task.elapsed or 0.0
        rate = f"{done / elapsed * 60:.1f}/min" if elapsed > 0 and done else ""
        self._progress.update(self._task, completed=done, rate=rate, label=label[:40])
        if done >= total:
            self.close()

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def __enter__(self) -> RichProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
