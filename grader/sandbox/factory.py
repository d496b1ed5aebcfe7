"""One place that opens the sandbox of a submission, of the class its isolation level needs.

The grading session and `grade doctor` see a sandbox and its workers through the two protocols
here: a forked `Sandbox` (bubblewrap, rlimits) and a `PortableSandbox` (spawned interpreters)
both fit them.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from grader.course.config import Limits
from grader.sandbox.isolation import PORTABLE, Isolation, detect_isolation
from grader.sandbox.portable import PortableSandbox
from grader.sandbox.sandbox import Sandbox


class GradingWorker(Protocol):
    """One exercise's process, as the session calls it."""

    alive: bool
    import_s: float

    def call(self, probe: str, timeout: float, during: str, **args: Any) -> Any: ...

    def finish(self) -> dict[str, Any]: ...


class GradingSandbox(Protocol):
    """One submission's isolation, as the session and `grade doctor` use it."""

    submission_dir: Path
    limits: Limits
    isolation: Isolation
    refused: dict[str, str]

    def start(self) -> GradingSandbox: ...

    def expect_spawns(self, count: int) -> None: ...

    def spawn(
        self, exercise: str, module: str | None, *, seed: int, import_time_limit_s: float | None = None
    ) -> GradingWorker: ...

    def finish_worker(self, pid: int) -> dict[str, Any]: ...

    def close(self) -> None: ...

    def output_tail(self, limit: int = 600) -> str: ...


def open_sandbox(
    submission_dir: Path,
    modules: list[str],
    limits: Limits,
    isolation: Isolation | None = None,
    *,
    probes: Mapping[str, Path] | None = None,
) -> GradingSandbox:
    """A sandbox (not started) for `submission_dir`, whose workers load the packs' `probes` (exercise -> probes.py):
    spawned interpreters at the portable level, a zygote otherwise."""
    level = isolation or detect_isolation()
    if level.name == PORTABLE:
        return PortableSandbox(submission_dir, modules, limits, level, probes=probes)
    return Sandbox(submission_dir, modules, limits, level, probes=probes)
