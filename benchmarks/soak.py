"""Soak test: grade many submissions, a third of them hostile, and check that the parent stays clean.

Builds COUNT student folders (a third from the hostile cases of tests/adversarial, the rest
honest or careless ones), grades them with `grade batch`'s engine (`grader.batch.run.run_batch`,
what `grade batch -j JOBS` runs) in this process, and prints, before and after: the processes
below this process, the processes still running as a sandbox uid, the temporary folders, and
this process's resident memory.

    python benchmarks/soak.py                      # 200 submissions, -j 2, every exercise
    python benchmarks/soak.py --count 12 --exercise split_validation --exercise acceleration
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from grader.batch.run import run_batch  # noqa: E402
from grader.course.config import load_course  # noqa: E402
from grader.sandbox.processes import descendants  # noqa: E402
from tests.adversarial.support import Case, load_cases, materialize, orphaned_sandbox_processes  # noqa: E402


@dataclass
class Figures:
    """What the parent looked like before and after the batch."""

    submissions: int
    hostile: int
    jobs: int
    wall_s: float = 0.0
    children_before: int = 0
    children_after: int = 0
    orphaned_sandbox_processes_after: list[str] = field(default_factory=list)
    temporary_before: list[str] = field(default_factory=list)
    temporary_after: list[str] = field(default_factory=list)
    rss_start_mb: float = 0.0
    rss_end_mb: float = 0.0
    rows_ok: int = 0
    rows_error: int = 0
    errors: list[str] = field(default_factory=list)


def resident_mb() -> float:
    """This process's resident memory (VmRSS), in MB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def temporary_entries(folder: Path) -> list[str]:
    """What is in the batch's temporary folder (its own folder, the workers', the sandboxes' scratch)."""
    return sorted(entry.name for entry in folder.iterdir())


def pick_cases(count: int, exercise_ids: list[str] | None, first: tuple[str, ...] = ()) -> list[Case]:
    """`count` cases, every third one hostile (those named in `first` first), cycling through the cases that target the graded exercises."""
    cases = [case for case in load_cases() if not exercise_ids or set(case.exercises) <= set(exercise_ids)]
    cases.sort(key=lambda case: case.id not in first)
    hostile = [case for case in cases if case.hostile]
    other = [case for case in cases if not case.hostile]
    if not hostile or not other:
        raise SystemExit(f"no hostile or no honest case targets the exercises {exercise_ids}")
    return [
        hostile[(index // 3) % len(hostile)] if index % 3 == 0 else other[index % len(other)] for index in range(count)
    ]


def build(folder: Path, cases: list[Case]) -> None:
    """One student folder per case: student-NNN-<case>, the case's files over the solutions."""
    for index, case in enumerate(cases):
        materialize(case, folder / f"student-{index:03d}-{case.id.replace('_', '-')}")


def soak(count: int, jobs: int, exercise_ids: list[str] | None, work: Path, first: tuple[str, ...] = ()) -> Figures:
    """Build and grade `count` submissions in `work`; the figures of the parent before and after."""
    course = load_course(ROOT / "course.toml")
    cases = pick_cases(count, exercise_ids, first)
    submissions = work / "submissions"
    build(submissions, cases)
    # The batch's temporary files (its folder, the workers', rlimits sandboxes') go here only.
    batch_temporary = work / "tmp"
    batch_temporary.mkdir()
    figures = Figures(submissions=count, hostile=sum(case.hostile for case in cases), jobs=jobs)
    figures.children_before = len(descendants(os.getpid()))
    figures.temporary_before = temporary_entries(batch_temporary)
    figures.rss_start_mb = round(resident_mb(), 1)
    started = time.monotonic()
    report = run_batch(
        inputs=[submissions],
        gradebook_path=work / "gradebook.sqlite",
        course=course,
        jobs=jobs,
        exercise_ids=exercise_ids,
        solutions=ROOT / "solutions",
        work_dir=batch_temporary,
    )
    figures.wall_s = round(time.monotonic() - started, 1)
    figures.rss_end_mb = round(resident_mb(), 1)
    figures.children_after = len(descendants(os.getpid()))
    figures.orphaned_sandbox_processes_after = orphaned_sandbox_processes()
    figures.temporary_after = temporary_entries(batch_temporary)
    figures.rows_ok = sum(row.status == "ok" for row in report.rows)
    figures.rows_error = sum(row.status != "ok" for row in report.rows)
    figures.errors = [f"{row.student}: {row.error[:200]}" for row in report.rows if row.status != "ok"]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=200, help="submissions to grade (default 200)")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="grading processes (default 2)")
    parser.add_argument("--exercise", action="append", dest="exercises", help="grade only this exercise (repeatable)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    arguments = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="soak-"))
    try:
        figures = soak(arguments.count, arguments.jobs, arguments.exercises, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if arguments.json:
        print(json.dumps(asdict(figures), indent=2))
        return
    print(
        f"{figures.submissions} submissions ({figures.hostile} hostile), -j {figures.jobs}: {figures.wall_s} s,"
        f" {figures.rows_ok} graded, {figures.rows_error} error rows"
    )
    print(
        f"processes below the parent: {figures.children_before} before, {figures.children_after} after;"
        f" sandbox processes left: {len(figures.orphaned_sandbox_processes_after)}"
    )
    print(
        f"entries in the batch's temporary folder: {len(figures.temporary_before)} before,"
        f" {len(figures.temporary_after)} after {figures.temporary_after}"
    )
    print(f"parent resident memory: {figures.rss_start_mb} MB at the start, {figures.rss_end_mb} MB at the end")
    for error in figures.errors:
        print(f"  error row: {error}")


if __name__ == "__main__":
    main()
