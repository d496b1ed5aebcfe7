"""`grade batch` on a Dask cluster: one task per submission, the client the gradebook's only writer.

- `grader.cluster.digest`: what identifies a course and a grader (the check between client and workers).
- `grader.cluster.worker`: the worker plugin (the course, the reference, a warm grading process),
  the task function, and the `--preload grader.cluster.worker` hook for `dask worker`.
- `grader.cluster.client`: the client side (safe intake, tasks, results committed as they arrive).
- `grader.cluster.progress`: the progress bar (done, rate, ETA).

Dask is optional (`pip install ".[cluster]"`): nothing here imports it at module level.
"""

from __future__ import annotations

from types import ModuleType

from grader.errors import UsageError

INSTALL_HINT = 'pip install "keras-intro-grader[cluster]" (or pip install "dask[distributed]")'


def require_dask() -> ModuleType:
    """The `distributed` module, or a usage error (exit 2) that says what to install."""
    try:
        import distributed
    except ImportError as error:
        raise UsageError(f"--scheduler and --cluster need Dask's distributed scheduler, which is not installed ({error}). Install it with: {INSTALL_HINT}") from error
    return distributed


def parse_local_cluster(spec: str) -> int:
    """`local:N` -> N worker processes; a usage error for anything else."""
    kind, _, count = spec.partition(":")
    if kind != "local" or not count.isdigit() or int(count) < 1:
        raise UsageError(f"--cluster must be local:N with N >= 1 worker processes (for example local:4), received {spec!r}.")
    return int(count)
