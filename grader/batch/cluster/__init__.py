"""`grade batch` on a Dask cluster: one task per submission, the client the gradebook's only writer.

- `grader.batch.cluster.digest`: what identifies a course and a grader (the check between client and workers).
- `grader.batch.cluster.worker`: the worker plugin (the course, the reference, a warm grading process),
  the task function, and the `--preload grader.batch.cluster.worker` hook for `dask worker`.
- `grader.batch.cluster.client`: the client side (safe intake, tasks, results committed as they arrive), drawing
  the batch's one progress bar (`grader.batch.progress`).

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
        raise UsageError(
            f"--scheduler and --cluster need Dask's distributed scheduler, which is not installed ({error}). Install it with: {INSTALL_HINT}"
        ) from error
    return distributed


def parse_local_cluster(spec: str) -> int:
    """`local:N` -> N worker processes; a usage error for anything else."""
    kind, _, count = spec.partition(":")
    if kind != "local" or not count.isdigit() or int(count) < 1:
        raise UsageError(
            f"--cluster must be local:N with N >= 1 worker processes (for example local:4), received {spec!r}."
        )
    return int(count)


def parse_cluster_options(scheduler: str | None, cluster_spec: str | None) -> int | None:
    """`grade batch --scheduler/--cluster`: the LocalCluster's worker count (None: none), Dask required for either."""
    if scheduler is not None and cluster_spec is not None:
        raise UsageError("Pass --scheduler ADDRESS or --cluster local:N, not both.")
    if scheduler is None and cluster_spec is None:
        return None
    local_workers = None if cluster_spec is None else parse_local_cluster(cluster_spec)
    require_dask()
    return local_workers
