"""How much going through Dask costs, and what 5,000 submissions on 50 workers would take.

Run from the repository root with the cluster extra installed (`pip install -e ".[cluster]"`):

    .venv/bin/python benchmarks/cluster.py

In one run it makes the twelve submissions of tests/test_cluster.py (correct, failing, hostile,
unsafe archives, a Classroom folder), grades them on two exercises with `grade batch -j 2` and
with `grade batch --cluster local:2` (a LocalCluster of 2 worker processes, its start included),
and prints both times. It then measures, on a LocalCluster of 2 workers, the scheduler's
overhead per task (a round trip of tasks that carry a submission's bytes and do nothing), and
the client's cost per result (intake and one gradebook transaction), and simulates 5,000
submissions on 50 single-threaded workers: one scheduler dispatching tasks one after another,
each worker grading its tasks with the measured per-task costs (the cluster run's own
durations, worker side), and one client committing results one at a time.
"""

from __future__ import annotations

import heapq
import itertools
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GRADE = [sys.executable, "-c", "from grader.cli import main; main()"]
QUICK = ["--exercise", "split_validation", "--exercise", "acceleration"]


def timed_batch(inputs: list[Path], gradebook: Path, *extra: str) -> float:
    started = time.monotonic()
    done = subprocess.run([*GRADE, "batch", *map(str, inputs), "--gradebook", str(gradebook), *QUICK, *extra],
                          cwd=ROOT, capture_output=True, text=True)  # fmt: skip
    wall = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"grade batch {' '.join(extra)} failed:\n{done.stderr}")
    return wall


def task_durations(gradebook: Path) -> list[float]:
    """Worker-side seconds of each graded submission (refused ones never reach a worker)."""
    connection = sqlite3.connect(gradebook)
    try:
        return [row[0] for row in connection.execute("SELECT duration_s FROM submissions WHERE result IS NOT NULL")]
    finally:
        connection.close()


def echo(payload: dict[str, bytes]) -> int:
    return len(payload)


def scheduler_overhead(payload: dict[str, bytes], count: int = 400) -> tuple[float, float]:
    """(seconds per task for `count` no-op tasks carrying `payload` through a 2-worker LocalCluster, its start in seconds)."""
    import distributed

    started = time.monotonic()
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address="127.0.0.1:0", silence_logs=40) as cluster, distributed.Client(cluster) as client:  # fmt: skip
        startup = time.monotonic() - started
        client.gather(client.map(echo, [payload] * 20, pure=False))  # warm the connections
        started = time.monotonic()
        futures = [client.submit(echo, payload, pure=False) for _ in range(count)]
        for future in distributed.as_completed(futures):
            future.result()
        return (time.monotonic() - started) / count, startup


def client_cost(inputs: list[Path]) -> float:
    """Seconds of the client per submission: safe intake plus one gradebook transaction."""
    from grader.batch.gradebook import OK, Gradebook
    from grader.course.config import load_course
    from grader.intake.submissions import discover, intake

    course = load_course(ROOT / "course.toml")
    sources = discover(inputs, course.modules)
    with (
        tempfile.TemporaryDirectory() as folder,
        Gradebook(Path(folder) / "gb.sqlite", course_id=course.id) as gradebook,
    ):
        started = time.monotonic()
        rounds = 5
        for round_ in range(rounds):
            for source in sources:
                item = intake(source, course)
                gradebook.record(item.row(status=OK, score=1, max_score=1, result={"round": round_}))
                gradebook.connection.execute("DELETE FROM submissions")
        return (time.monotonic() - started) / (rounds * len(sources))


def simulate(
    *, submissions: int, workers: int, costs: list[float], overhead: float, client_s: float, warmup_s: float
) -> float:
    """Makespan: one scheduler dispatching (overhead each), `workers` graders, one client committing (client_s each)."""
    free = [warmup_s] * workers
    heapq.heapify(free)
    scheduler = client = 0.0
    ends = []
    for cost in itertools.islice(itertools.cycle(costs), submissions):
        worker_free = heapq.heappop(free)
        scheduler = max(scheduler, worker_free) + overhead
        end = scheduler + cost
        heapq.heappush(free, end)
        ends.append(end)
    for end in sorted(ends):
        client = max(client, end) + client_s
    return client


def main() -> None:
    from tests.test_cluster import base_files, make_inputs

    with tempfile.TemporaryDirectory(prefix="cluster-benchmark-") as folder:
        work = Path(folder)
        inputs = make_inputs(work / "inputs")
        local = timed_batch(inputs, work / "j2.sqlite", "-j", "2")
        dask = timed_batch(inputs, work / "cluster.sqlite", "--cluster", "local:2")
        costs = task_durations(work / "cluster.sqlite")
        overhead, startup = scheduler_overhead(base_files())
        client_s = client_cost(inputs)
    graded = len(costs)
    mean = statistics.mean(costs)
    print(f"machine: {os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f}")
    print(
        f"12 submissions ({graded} graded, {12 - graded} refused at intake), exercises split_validation and acceleration:"
    )
    print(f"  grade batch -j 2               {local:6.1f} s")
    print(
        f"  grade batch --cluster local:2  {dask:6.1f} s   (LocalCluster start included; {dask - local:+.1f} s, x{dask / local:.2f})"
    )
    print(f"  LocalCluster of 2 workers: start {startup:.1f} s")
    print(f"  per-task cost on a worker (graded): mean {mean:.2f} s, min {min(costs):.2f} s, max {max(costs):.2f} s")
    print(f"  scheduler overhead per task (no-op task with a submission's bytes): {overhead * 1000:.1f} ms")
    print(f"  client per submission (intake + one gradebook transaction): {client_s * 1000:.1f} ms")
    # On a cluster each worker has its own core; here two workers share two cores with the client,
    # so the measured per-task costs are an upper bound. The first task of each worker also starts
    # its warm process (the reference): counted as a warm-up of one mean task.
    estimate = simulate(submissions=5000, workers=50, costs=costs, overhead=overhead, client_s=client_s, warmup_s=mean)
    ideal = 5000 * mean / 50
    print(f"simulated 5,000 submissions on 50 workers: {estimate / 60:.1f} min"
          f" (no-overhead bound {ideal / 60:.1f} min; scheduler busy {5000 * overhead:.0f} s,"
          f" client busy {5000 * client_s:.0f} s of it); on one machine with -j 2 at this run's rate:"
          f" {5000 * local / 12 / 3600:.1f} h")  # fmt: skip


if __name__ == "__main__":
    main()
