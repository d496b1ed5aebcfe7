"""The client of a cluster batch: the same intake and gradebook rules as `grade batch -j N`, graded by Dask workers.

The client discovers and reads every submission itself (`grader.intake.submissions`: unsafe archives,
oversized modules and the like become error rows here, never reach a worker), skips what the
gradebook holds (`--resume`) and duplicates, and submits one task per remaining submission:
its module files as bytes, the course's digest and the grading options. It is the gradebook's
only writer: each result is committed in its own transaction as it arrives, so a killed client
loses nothing that was committed and `--resume` finishes the batch.

Faults: a worker that dies while grading (killed, out of memory) makes the scheduler run the
task elsewhere; after `ALLOWED_FAILURES` retries the task fails with `KilledWorker` and the
submission gets an error row (a submission that kills every worker it touches is not retried
forever). A worker with another course or grader refuses its task: the batch stops with exit 2,
naming the worker (what was committed stays; fix the worker and `--resume`). An unreachable
scheduler is a usage error within `CONNECT_TIMEOUT_S` seconds.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from grader.batch.cluster import require_dask
from grader.batch.cluster.digest import Digest, digest_of
from grader.batch.cluster.worker import GraderPlugin, grade_submission, worker_status
from grader.batch.counted import BatchInputs
from grader.batch.ledger import BatchReport, Ledger, default_timeout, find_inputs
from grader.batch.pool import Outcome
from grader.batch.progress import Progress
from grader.course.config import Course
from grader.errors import UsageError
from grader.intake.submissions import Intake

CONNECT_TIMEOUT_S = 5.0
WORKERS_TIMEOUT_S = 120.0
ALLOWED_FAILURES = 2  # a task whose worker dies is retried at most twice (three workers in all)

Say = Callable[[str], None]


def _set_allowed_failures(count: int, dask_scheduler: Any = None) -> int:
    """On the scheduler: at most `count` retries of a task whose worker died; returns the previous setting."""
    previous = int(dask_scheduler.allowed_failures)
    dask_scheduler.allowed_failures = count
    return previous


@contextlib.contextmanager
def connect(*, scheduler: str | None, local_workers: int | None, say: Say) -> Iterator[Any]:
    """A `distributed.Client` on the scheduler at `scheduler`, or on a new `LocalCluster` of `local_workers` processes."""
    distributed = require_dask()
    import dask

    if local_workers is not None:
        with dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES}):
            cluster = distributed.LocalCluster(
                n_workers=local_workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address="127.0.0.1:0",
                silence_logs=logging.ERROR,
            )
        try:
            with distributed.Client(cluster, timeout=f"{WORKERS_TIMEOUT_S}s") as client:
                yield client
        finally:
            cluster.close()
        return
    assert scheduler is not None
    with dask.config.set({"distributed.comm.timeouts.connect": f"{CONNECT_TIMEOUT_S}s"}):
        try:
            client = distributed.Client(scheduler, timeout=f"{CONNECT_TIMEOUT_S}s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as error:
            raise UsageError(
                f"Cannot reach the Dask scheduler at {scheduler} within {CONNECT_TIMEOUT_S:g} s ({type(error).__name__}: {error})."
                " Check that it runs (`dask scheduler`), the address and port (tcp://HOST:8786 by default),"
                " the firewall, and for tls:// addresses the certificates (see docs/cluster.md)."
            ) from error
    with client:
        yield client


def _dashboard(client: Any) -> str:
    try:
        if "dashboard" not in client.scheduler_info().get("services", {}):
            return ""
        return str(client.dashboard_link or "")
    except Exception:  # noqa: BLE001 - a dashboard link is a courtesy
        return ""


def prepare_workers(
    client: Any, *, course: Course, solutions: Path | None, digest: Digest, say: Say
) -> tuple[str, int]:
    """Register the client's plugin, wait for a worker, set the retries, and refuse workers of another course or grader."""
    plugin = GraderPlugin(course.path.resolve(), None if solutions is None else solutions.resolve())
    client.register_plugin(plugin)
    try:
        client.wait_for_workers(1, timeout=WORKERS_TIMEOUT_S)
    except TimeoutError as error:
        raise UsageError(
            f"No Dask worker joined the scheduler {client.scheduler.address} within {WORKERS_TIMEOUT_S:g} s: start some (see docs/cluster.md)."
        ) from error
    try:
        previous = client.run_on_scheduler(_set_allowed_failures, ALLOWED_FAILURES)
    except Exception as error:  # noqa: BLE001 - a scheduler without the kit: its own setting stays
        previous = ALLOWED_FAILURES
        say(
            f"warning: could not set the scheduler's allowed-failures to {ALLOWED_FAILURES} ({type(error).__name__}: {error});"
            " install the kit beside the scheduler, or set DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES=2 there."
        )
    if previous != ALLOWED_FAILURES:
        say(
            f"Set the scheduler's allowed-failures from {previous} to {ALLOWED_FAILURES}: a task is retried at most"
            f" {ALLOWED_FAILURES} times when its worker dies."
        )
    problems = []
    for address, status in sorted(client.run(worker_status, plugin.name).items()):
        if status is None:
            problems.append(f"the Dask worker {address} has no grader plugin")
        elif status["error"]:
            problems.append(status["error"])
        else:
            why = Digest.from_dict(status["digest"]).mismatch(
                digest, where=f"{address} (course {status['course_path']})"
            )
            if why:
                problems.append(why)
    if problems:
        raise UsageError(
            "; ".join(problems)
            + ". Start every worker with the client's course and grader (see docs/cluster.md), then run again (with --resume)."
        )
    return plugin.name, len(client.scheduler_info()["workers"])


def run_cluster_batch(
    *,
    inputs: list[Path],
    gradebook_path: Path,
    course: Course,
    solutions: Path | None = None,
    scheduler: str | None = None,
    local_workers: int | None = None,
    resume: bool = False,
    exercise_ids: list[str] | None = None,
    timeout_s: float | None = None,
    progress: Progress | None = None,
    say: Say | None = None,
    counted: BatchInputs,
) -> BatchReport:
    """`run_batch` on a Dask cluster: the same rows in the gradebook, graded by the cluster's workers."""
    say = say or (lambda _message: None)
    if (scheduler is None) == (local_workers is None):
        raise UsageError("Pass either --scheduler ADDRESS or --cluster local:N.")
    found = find_inputs(inputs, gradebook_path=gradebook_path, course=course, exercise_ids=exercise_ids)
    require_dask()
    digest = digest_of(course, solutions)
    with connect(scheduler=scheduler, local_workers=local_workers, say=say) as client:
        from distributed import as_completed
        from distributed.scheduler import KilledWorker

        link = _dashboard(client)
        say(
            f"Dask scheduler {client.scheduler.address}"
            + (f", dashboard {link}" if link else " (no dashboard: install bokeh for one)")
        )
        plugin_name, workers = prepare_workers(client, course=course, solutions=solutions, digest=digest, say=say)
        say(f"Grading {len(found.sources)} input(s) on {workers} Dask worker(s)")
        request_base = {
            "digest": digest.to_dict(),
            "plugin": plugin_name,
            "exercise_ids": list(exercise_ids or []),
            "timeout_s": float(timeout_s or default_timeout(course)),
            "inputs": counted.to_dict(),
        }
        pending: dict[Any, Intake] = {}
        completed: Any = as_completed(loop=client.loop)  # type: ignore[no-untyped-call]  # distributed's is untyped

        with Ledger.opened(
            gradebook_path, course, found, resume=resume, progress=progress, inputs_key=counted.key
        ) as ledger:

            def finish(future: Any) -> None:
                item = pending.pop(future)
                try:
                    answer: dict[str, Any] = future.result()
                except KilledWorker as error:
                    answer = {
                        "result": None,
                        "duration_s": 0.0,
                        "error": (
                            f"the Dask workers grading this submission died {ALLOWED_FAILURES + 1} times (killed, out of memory,"
                            f" or brought down by the submission): not retried further ({error})"
                        ),
                    }
                except Exception as error:  # noqa: BLE001 - an error row, the batch goes on
                    answer = {
                        "result": None,
                        "duration_s": 0.0,
                        "error": f"the Dask task failed: {type(error).__name__}: {error}",
                    }
                finally:
                    future.release()
                if answer.get("refused"):
                    client.cancel(list(pending))
                    raise UsageError(
                        f"{answer['refused']}. The batch stopped; what was graded is in the gradebook:"
                        " fix the worker and run again with --resume."
                    )
                result = answer.get("result")
                outcome = Outcome(
                    result if isinstance(result, dict) else None,
                    str(answer.get("error") or ""),
                    float(answer.get("duration_s") or 0.0),
                )
                ledger.graded(item, outcome)

            for item in ledger.to_grade():
                future = client.submit(
                    grade_submission,
                    {**request_base, "modules": item.modules, "student": item.student},
                    key=f"grade-{uuid.uuid4().hex}",
                    pure=False,
                )
                pending[future] = item
                completed.add(future)
                # Grades that arrived while inputs were read are committed now, not at the end.
                if completed.has_ready():
                    for ready in completed.next_batch(block=False):
                        finish(ready)
            for future in completed:
                finish(future)
            return ledger.report(jobs=workers)
