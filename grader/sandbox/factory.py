"""One place that opens the sandbox of a submission, of the class its isolation level needs.

The grading session and `grade doctor` see every sandbox as a `BaseSandbox` and every worker as a
`WorkerEnd` (`grader.sandbox.engine`): a `ZygoteSandbox` (bubblewrap, rlimits) forks its workers, a
`PortableSandbox` spawns interpreters.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from grader.course.limits import Limits
from grader.sandbox.engine import BaseSandbox
from grader.sandbox.isolation import PORTABLE, Isolation, detect_isolation
from grader.sandbox.portable import PortableSandbox
from grader.sandbox.zygote_sandbox import ZygoteSandbox


def open_sandbox(
    submission_dir: Path,
    modules: list[str],
    limits: Limits,
    isolation: Isolation | None = None,
    *,
    probes: Mapping[str, Path] | None = None,
) -> BaseSandbox:
    """A sandbox (not started) for `submission_dir`, whose workers load the packs' `probes` (exercise -> probes.py):
    spawned interpreters at the portable level, a zygote otherwise."""
    level = isolation or detect_isolation()
    if level.name == PORTABLE:
        return PortableSandbox(submission_dir, modules, limits, level, probes=probes)
    return ZygoteSandbox(submission_dir, modules, limits, level, probes=probes)
