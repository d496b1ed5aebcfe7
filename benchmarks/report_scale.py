"""`grade report` on a synthetic class of N students: seconds and peak PSS, against the old all-pairs code.

    .venv/bin/python benchmarks/report_scale.py --students 1000 --baseline-students 80

Writes synthetic gradebooks (`synthetic_gradebook.py`: no grading), runs `grade report` on each in
its own process and samples the sum of PSS over its process tree (`memory.py`). The baseline is
the grader of `--baseline-commit` (default: where this branch left main, copydetect comparing
every pair of students), extracted with `git archive` and run on the smaller class in the same
run; the current code runs on that class too, so the ratios compare like with like. Checks that
the planted copy ranks first in each report.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from memory import PeakPss  # noqa: E402
from synthetic_gradebook import PLANTED_COPIER, PLANTED_ORIGINAL, ROOT, write_gradebook  # noqa: E402

# The last commit whose `grade report` compared every pair of students (d00c05d brought in the index): the
# baseline, named once, so the figure means the same on main, on a branch or in a clone without main.
ALL_PAIRS_COMMIT = "d00c05d^"


@dataclass(frozen=True)
class Measure:
    """One `grade report` run."""

    code: str
    students: int
    seconds: float
    pss_mb: float
    first_pair: tuple[str, str]
    scored_note: str


def run_report(gradebook: Path, out: Path, grader_path: Path | None, label: str, students: int) -> Measure:
    """`python -m grader report` in its own process (the grader at `grader_path` when given), timed and sampled."""
    environment = dict(os.environ)
    if grader_path is not None:
        environment["PYTHONPATH"] = str(grader_path)
    command = [sys.executable, "-m", "grader", "report", "--gradebook", str(gradebook), "--out", str(out),
               "--course", str(ROOT / "course.toml"), "--stubs", str(ROOT / "exercises")]  # fmt: skip
    started = time.perf_counter()
    with PeakPss() as peak:
        process = subprocess.Popen(command, env=environment, cwd=out.parent, stdout=subprocess.PIPE, text=True)
        peak.watch(process.pid)
        output, _ = process.communicate()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"grade report ({label}) exited {process.returncode}:\n{output}")
    pairs = json.loads((out / "summary.json").read_text(encoding="utf-8"))["similar_pairs"]
    first = (pairs[0]["student_a"], pairs[0]["student_b"]) if pairs else ("-", "-")
    return Measure(label, students, seconds, peak.peak_bytes / 2**20, first, f"{len(pairs)} pairs listed")


def baseline_grader(commit: str, folder: Path) -> Path:
    """The grader package of `commit`, extracted under `folder` (for PYTHONPATH)."""
    folder.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "grader"], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--baseline-students", type=int, default=80)
    parser.add_argument(
        "--baseline-commit",
        default=ALL_PAIRS_COMMIT,
        help=f"a commit whose grader compares all pairs (default: {ALL_PAIRS_COMMIT}, the last one before the index)",
    )
    parser.add_argument("--seed", type=int, default=7)
    arguments = parser.parse_args()
    commit = arguments.baseline_commit
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; baseline: all-pairs code of {commit}")
    measures = []
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        old = baseline_grader(commit, (root / "baseline").resolve()) if arguments.baseline_students else None
        for students in sorted({arguments.baseline_students, arguments.students} - {0}):
            gradebook = root / f"class{students}.sqlite"
            started = time.perf_counter()
            write_gradebook(gradebook, students, seed=arguments.seed)
            print(f"wrote a gradebook of {students} students in {time.perf_counter() - started:.1f} s")
            if old is not None and students == arguments.baseline_students:
                measures.append(run_report(gradebook, root / f"old{students}", old, "old (all pairs)", students))
            measures.append(run_report(gradebook, root / f"new{students}", None, "new (index)", students))
    print(f"\n{'code':<16} {'students':>8} {'seconds':>8} {'PSS MB':>8}  first pair")
    for measure in measures:
        planted = set(measure.first_pair) == {PLANTED_COPIER, PLANTED_ORIGINAL}
        print(f"{measure.code:<16} {measure.students:>8} {measure.seconds:>8.1f} {measure.pss_mb:>8.0f}  "
              f"{' & '.join(measure.first_pair)} ({'the planted copy' if planted else 'NOT the planted copy'})")  # fmt: skip
    olds = [m for m in measures if m.code.startswith("old")]
    news = {m.students: m for m in measures if m.code.startswith("new")}
    for old_measure in olds:
        same = news[old_measure.students]
        print(f"\nat {old_measure.students} students: old/new time {old_measure.seconds / same.seconds:.1f}x,"
              f" old/new PSS {old_measure.pss_mb / same.pss_mb:.1f}x")  # fmt: skip
        big = news[max(news)]
        if big.students != old_measure.students:
            factor = big.students / old_measure.students
            print(f"new at {big.students} vs old at {old_measure.students} ({factor:.1f}x the students):"
                  f" {big.seconds / old_measure.seconds:.1f}x the time, {big.pss_mb / old_measure.pss_mb:.1f}x the PSS"
                  f" (all pairs would grow {factor**2:.0f}x)")  # fmt: skip
    if not all(set(m.first_pair) == {PLANTED_COPIER, PLANTED_ORIGINAL} for m in measures):
        raise SystemExit("the planted copy does not rank first in every report")


if __name__ == "__main__":
    main()
