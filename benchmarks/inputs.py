"""What the instructor's inputs cost, measured side by side in one run on this machine.

    .venv/bin/python benchmarks/inputs.py [--students 4] [--jobs 2]

Each figure is a wall time with the command that gave it, and a ratio against the baseline of
the same run:
- `grade check solutions` on the public inputs with a cold reference cache (the baseline), on the
  instructor's inputs with a cold cache (the reference answers the new seeds once), and on the
  instructor's again with the cache warm (what every later grading of the course pays);
- `grade batch` of N students (copies of the solutions and the sample submission) with one set of
  instructor inputs for the class, then with `--per-student` (the reference answers each student's
  own inputs: its calls are no longer shared between students), each with a cold cache.
Every command here runs with GRADER_SECRET set and a reference cache folder of its own.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GRADE = [sys.executable, "-c", "from grader.cli import main; main()"]
BENCHMARK_SECRET = "5eed" * 16


def timed(command: list[str], cache: Path) -> float:
    """Seconds `command` took, run with its own reference cache and the benchmark's secret."""
    environment = {**os.environ, "GRADER_CACHE_DIR": str(cache), "GRADER_SECRET": BENCHMARK_SECRET}
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return elapsed


def class_of(folder: Path, students: int) -> Path:
    """`students` submission folders, GitHub Classroom's layout: solutions and the sample, alternately."""
    sources = [ROOT / "solutions", ROOT / "examples" / "sample_submission"]
    for index in range(students):
        target = folder / f"student-{index:02d}"
        target.mkdir(parents=True)
        for module in sorted(sources[index % 2].glob("*.py")):
            shutil.copy(module, target / module.name)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=4)
    parser.add_argument("--jobs", type=int, default=2)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="inputs-benchmark-") as scratch_name:
        scratch = Path(scratch_name)

        def cache(name: str) -> Path:
            return scratch / f"cache-{name}"

        check = [*GRADE, "check", "solutions"]
        rows: list[tuple[str, float, str]] = []
        public = timed([*check, "--inputs", "public"], cache("public"))
        rows.append(("check, public inputs, cold cache (baseline)", public, f"{' '.join(check)} --inputs public"))
        cold = timed([*check, "--inputs", "instructor"], cache("instructor"))
        rows.append(("check, instructor inputs, cold cache", cold, f"{' '.join(check)} --inputs instructor"))
        warm = timed([*check, "--inputs", "instructor"], cache("instructor"))
        rows.append(("check, instructor inputs, warm cache", warm, "the same again"))
        students = class_of(scratch / "class", options.students)
        batch = [*GRADE, "batch", str(students), "-j", str(options.jobs)]
        shared = timed([*batch, "--gradebook", str(scratch / "shared.sqlite")], cache("shared"))
        per_student = timed(
            [*batch, "--gradebook", str(scratch / "per-student.sqlite"), "--per-student"], cache("per-student")
        )
        baseline_batch = shared
        print(f"{'figure':58} {'seconds':>8} {'ratio':>6}  command")
        for label, seconds, command in rows:
            print(f"{label:58} {seconds:8.1f} {seconds / public:6.2f}  {command}")
        print(
            f"{f'batch of {options.students}, one set of instructor inputs (baseline)':58} {shared:8.1f}"
            f" {1.0:6.2f}  {' '.join(batch)} --gradebook G"
        )
        print(
            f"{f'batch of {options.students}, --per-student':58} {per_student:8.1f}"
            f" {per_student / baseline_batch:6.2f}  {' '.join(batch)} --gradebook G --per-student"
        )


if __name__ == "__main__":
    main()
