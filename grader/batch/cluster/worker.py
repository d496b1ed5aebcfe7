"""The Dask worker's side: a plugin that holds the course and a warm grading process, and the task.

`GraderPlugin` lives on each Dask worker. It loads the course, computes its digest (see
`grader.batch.cluster.digest`) and, on the first task, starts a warm grading process: the same
`grader.batch.pool` worker as `grade batch -j N` (one `Reference` kept for the whole batch, each
submission graded in the warm sandbox pool of that process, a crash or overrun stopped with its
process tree): TensorFlow is imported once per Dask worker, not once per submission.
That process is started and driven by one thread the plugin owns, so it never depends on the
life of Dask's executor threads (the grading process dies with the thread that started it).

A worker gets its plugin in one of two ways:
- started with `dask worker SCHEDULER --nthreads 1 --preload grader.batch.cluster.worker
  --grader-course /srv/course/course.toml [--grader-solutions DIR]`: the worker's own course,
  registered under the name "grader"; it always wins;
- otherwise the client registers one with its own paths (a `LocalCluster`, or a shared
  filesystem), under a name derived from those paths.

`grade_submission` is the task: one submission's modules as bytes and the client's digest in,
plain JSON out. A worker whose course or grader differs from the client's refuses (the
client then stops the batch with exit 2, saying which worker and why).
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import queue
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import click

from grader.batch.cluster.digest import Digest, digest_of
from grader.batch.counted import BatchInputs
from grader.batch.pool import Outcome, Pool

PRELOAD_NAME = "grader"

try:  # The plugin is a real WorkerPlugin where Dask is installed; this module still imports without it.
    from distributed.diagnostics.plugin import WorkerPlugin as _Base
except ImportError:  # pragma: no cover - only without the cluster extra
    _Base = object  # type: ignore[assignment,misc]


def client_plugin_name(course_path: Path, solutions: Path | None) -> str:
    """The name of the plugin a client registers: one per (course, solutions) paths, so two courses coexist."""
    key = f"{Path(course_path).resolve()}\0{'' if solutions is None else Path(solutions).resolve()}"
    return "grader-client-" + hashlib.sha256(key.encode()).hexdigest()[:12]


class GradingProcess(Pool[None]):
    """A `grader.batch.pool.Pool` of one grading process that stays warm between calls."""

    def grade_one(self, modules: dict[str, bytes], timeout_s: float, student: str) -> Outcome:
        self.timeout_s = timeout_s
        slot = self.slots[0]
        outcomes: list[Outcome] = []
        self._dispatch(slot, None, modules, student)
        while slot.busy:
            self._wait([slot], lambda _token, outcome: outcomes.append(outcome))
        return outcomes[0]


class GraderPlugin(_Base):
    """The course, its digest and a warm grading process on one Dask worker (loaded lazily)."""

    idempotent = True  # registering the same (course, solutions) again keeps the warm process

    def __init__(self, course_path: str | Path, solutions: str | Path | None = None, name: str | None = None) -> None:
        self.course_path = str(course_path)
        self.solutions = None if solutions is None else str(solutions)
        self.name = name or client_plugin_name(Path(self.course_path), None if solutions is None else Path(solutions))
        self._init_runtime()

    def _init_runtime(self) -> None:
        self._lock = threading.Lock()
        self._loaded = False
        self.digest: Digest | None = None
        self.error = ""
        self.course: Any = None
        self._requests: queue.Queue[tuple[dict[str, Any], concurrent.futures.Future[Outcome]] | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._root: Path | None = None
        self._worker: Any = None

    @property
    def worker_address(self) -> str:
        return str(getattr(self._worker, "address", "") or "")

    def __getstate__(self) -> dict[str, Any]:  # Sent to the workers: the paths only, never the runtime.
        return {"course_path": self.course_path, "solutions": self.solutions, "name": self.name}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._init_runtime()

    # -- Dask's WorkerPlugin interface

    def setup(self, worker: Any) -> None:
        self._worker = worker

    def teardown(self, worker: Any) -> None:
        if self._thread is not None:
            self._requests.put(None)
            self._thread.join(timeout=120)
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)

    # -- the course and its digest

    def load(self) -> None:
        """Load the course and compute its digest once; a problem is kept in `error` (and refuses every task)."""
        with self._lock:
            if self._loaded:
                return
            from grader.course.config import load_course
            from grader.errors import GraderError

            try:
                self.course = load_course(Path(self.course_path))
                self.digest = digest_of(self.course, None if self.solutions is None else Path(self.solutions))
            except GraderError as error:
                self.error = f"the Dask worker {self.worker_address or '(unknown)'} cannot load its course {self.course_path}: {error.message}"
            except OSError as error:
                self.error = f"the Dask worker {self.worker_address or '(unknown)'} cannot read its course {self.course_path}: {error}"
            self._loaded = True

    def status(self) -> dict[str, Any]:
        self.load()
        return {
            "name": self.name,
            "course_path": self.course_path,
            "error": self.error,
            "digest": None if self.digest is None else self.digest.to_dict(),
        }

    def refusal(self, client_digest: Digest) -> str:
        """Why this worker must not grade for a client with `client_digest`, or ""."""
        self.load()
        if self.error:
            return self.error
        assert self.digest is not None
        return self.digest.mismatch(client_digest, where=f"{self.worker_address} (course {self.course_path})")

    # -- grading, in the plugin's own thread

    def grade(self, request: dict[str, Any]) -> Outcome:
        future: concurrent.futures.Future[Outcome] = concurrent.futures.Future()
        with self._lock:
            if self._thread is None:
                self._root = Path(tempfile.mkdtemp(prefix="grader-dask-"))
                self._thread = threading.Thread(target=self._serve, name="grader-warm-pool", daemon=True)
                self._thread.start()
        self._requests.put((request, future))
        return future.result()

    def _serve(self) -> None:
        pool: GradingProcess | None = None
        key: tuple[Any, ...] | None = None
        try:
            while (item := self._requests.get()) is not None:
                request, future = item
                try:
                    wanted = (tuple(request["exercise_ids"]), json.dumps(request["inputs"], sort_keys=True))
                    if pool is None or key != wanted:
                        if pool is not None:
                            pool.close()
                        assert self._root is not None
                        pool = GradingProcess(
                            course=self.course,
                            solutions=None if self.solutions is None else Path(self.solutions),
                            jobs=1,
                            exercise_ids=list(wanted[0]),
                            root=self._root,
                            timeout_s=float(request["timeout_s"]),
                            inputs=BatchInputs.from_dict(request["inputs"]),
                        )
                        key = wanted
                    future.set_result(
                        pool.grade_one(request["modules"], float(request["timeout_s"]), str(request["student"]))
                    )
                except BaseException as error:  # noqa: BLE001 - handed to the task, which reports it
                    if pool is not None:
                        pool.close()
                        pool, key = None, None
                    future.set_exception(error)
        finally:
            if pool is not None:
                pool.close()


def find_plugin(worker: Any, client_plugin: str) -> GraderPlugin | None:
    """The worker's own plugin (preload) if it has one, else the one the client registered."""
    for name in (PRELOAD_NAME, client_plugin):
        plugin = worker.plugins.get(name)
        if isinstance(plugin, GraderPlugin):
            return plugin
    return None


def grade_submission(request: dict[str, Any]) -> dict[str, Any]:
    """The task: grade one submission's modules (bytes) on this worker; plain JSON back.

    {"refused": why} when this worker has another course or grader than the client, else
    {"result": the GradeResult's dict or None, "error": ..., "duration_s": ..., "worker": address}.
    """
    from distributed import get_worker

    from grader.errors import GraderError

    worker = get_worker()
    plugin = find_plugin(worker, request["plugin"])
    if plugin is None:
        return {
            "refused": f"the Dask worker {worker.address} has no grader plugin: start it with --preload grader.batch.cluster.worker"
            " --grader-course PATH, or let the client register its own"
        }
    why = plugin.refusal(Digest.from_dict(request["digest"]))
    if why:
        return {"refused": why}
    started = time.monotonic()
    try:
        outcome = plugin.grade(request)
    except GraderError as error:  # the grading process could not start, or the course is unusable here
        return {"refused": f"the Dask worker {worker.address} cannot grade: {error.message}"}
    return {
        "result": outcome.result,
        "error": outcome.error,
        "duration_s": outcome.duration_s or time.monotonic() - started,
        "worker": str(worker.address),
    }


def worker_status(client_plugin: str, dask_worker: Any = None) -> dict[str, Any] | None:
    """Run on every worker by the client before the batch (`Client.run`): which plugin and digest it would use."""
    plugin = find_plugin(dask_worker, client_plugin)
    return None if plugin is None else plugin.status()


@click.command()
@click.option(
    "--grader-course",
    "course_path",
    required=True,
    type=click.Path(path_type=Path),
    help="This worker's course.toml; the client's must match it (digest of the course and the grader).",
)
@click.option(
    "--grader-solutions",
    "solutions",
    type=click.Path(path_type=Path),
    default=None,
    help="The reference solutions (default: solutions/ beside course.toml).",
)
def dask_setup(worker: Any, course_path: Path, solutions: Path | None) -> None:
    """`dask worker ... --preload grader.batch.cluster.worker --grader-course PATH`: this worker grades for that course only."""
    plugin = GraderPlugin(course_path.resolve(), None if solutions is None else solutions.resolve(), name=PRELOAD_NAME)
    plugin.setup(worker)
    worker.plugins[PRELOAD_NAME] = plugin
