"""The cost of stand-ins that forgive: training_step graded, side by side in one warm pool, for a correct
module (graded once, with its own functions) and for modules whose tests fail with their own functions
(each failed test graded again with correct stand-ins).

    .venv/bin/python benchmarks/stand_ins.py [--rounds 3]

Prints, per submission, the median seconds of grading the training_step exercise, its score, and how
many of its tests were graded a second time (those carrying a stand-in's note, or failed twice).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from grader.course.config import load_course
from grader.grading.pool_retry import grade_pooled
from grader.grading.reference import Reference
from grader.results import PASSED
from grader.sandbox.warm_pool import WarmPool

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "realistic"
SUBMISSIONS = {
    "correct (the solutions)": ROOT / "solutions",
    "correct, compiled per learning rate": CORPUS / "lc_compiled_per_learning_rate",
    "wrong square_loss, right training_step": CORPUS / "lc_wrong_square_loss_right_step",
    "training_step wrong (a library optimizer)": ROOT / "tests" / "adversarial" / "cases" / "optimizer_training_step",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    course = load_course(ROOT / "course.toml")
    reference = Reference(course, ROOT / "solutions")
    pool = WarmPool(course.limits, probes=course.probe_files)
    try:
        with tempfile.TemporaryDirectory() as scratch:
            folders = {}
            for label, source in SUBMISSIONS.items():
                folders[label] = Path(scratch) / source.name
                shutil.copytree(source, folders[label], ignore=shutil.ignore_patterns("__pycache__"))
            times: dict[str, list[float]] = {label: [] for label in SUBMISSIONS}
            results = {}
            # Rounds interleave the submissions, so that a busy moment of the machine falls on all of them; the
            # first round fills the reference's memo and is not counted.
            for round_index in range(rounds + 1):
                for label, folder in folders.items():
                    started = time.monotonic()
                    results[label] = grade_pooled(
                        pool=pool,
                        course=course,
                        submission_dir=folder,
                        reference=reference,
                        exercise_ids=["training_step"],
                    )
                    if round_index:
                        times[label].append(time.monotonic() - started)
            rows = []
            for label, result in results.items():
                tests = [test for _, test in result.tests]
                again = sum(1 for test in tests if test.status != PASSED or test.message)
                rows.append((label, statistics.median(times[label]), result.score, result.max_score, again, len(tests)))
    finally:
        pool.close()
        reference.close()
    print(f"{'submission':45} {'median s':>9} {'score':>7} {'graded twice':>13}")
    for label, seconds, score, max_score, again, count in rows:
        print(f"{label:45} {seconds:9.2f} {score:>3}/{max_score:<3} {again:>6} of {count}")


if __name__ == "__main__":
    main()
