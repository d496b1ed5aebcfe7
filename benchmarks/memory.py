"""The peak memory of a whole process tree: the sum of PSS (proportional set size) over it, sampled.

PSS shares each page among the processes that map it, so forked workers that share TensorFlow's
pages count them once in all, not once each (as RSS would).
"""

from __future__ import annotations

import threading
from types import TracebackType

import psutil

INTERVAL_S = 0.25


def tree_pss(pid: int) -> int:
    """The sum of PSS over `pid` and all its descendants, in bytes (processes that vanish mid-way count 0)."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for process in processes:
        try:
            total += process.memory_full_info().pss
        except (psutil.NoSuchProcess, psutil.ZombieProcess):
            continue
        except psutil.AccessDenied as error:
            raise PermissionError(
                f"cannot read the memory of process {process.pid} ({error}): run the benchmark as its owner or root"
            ) from error
    return total


class PeakPss:
    """A thread that samples `tree_pss` of the watched process until the block ends."""

    def __init__(self, interval_s: float = INTERVAL_S) -> None:
        self.interval_s = interval_s
        self.peak_bytes = 0
        self.samples = 0
        self._pid: int | None = None
        self.error: PermissionError | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def watch(self, pid: int) -> None:
        self._pid = pid
        self._thread.start()

    def _run(self) -> None:
        assert self._pid is not None
        while not self._stop.is_set():
            try:
                self.peak_bytes = max(self.peak_bytes, tree_pss(self._pid))
            except PermissionError as error:
                self.error = error
                return
            self.samples += 1
            self._stop.wait(self.interval_s)

    def __enter__(self) -> PeakPss:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        if self.error is not None and kind is None:
            raise SystemExit(str(self.error))
        if self.samples == 0 and kind is None:
            raise SystemExit("the memory of the process tree was never sampled: it ended before the first sample")
