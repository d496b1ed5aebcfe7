"""Speed of grading, measured side by side in one run on this machine.

    .venv/bin/python benchmarks/speed.py [--submissions N]

Prints, each measured here and now:
- `python -c "import tensorflow"`: the cost every fresh TensorFlow process pays;
- `grade check solutions` (all five exercises) and `grade check --exercise square_loss`;
- `grade batch` of N copies of the sample submission with -j 2: wall time per submission;
- the floor: the reference code doing the same grading work in a warm process (the time
  the reference's worker spent answering the probes of one full grading);
and the ratios of each to the floor. nbgrader's autograde is timed by
scripts/nbgrader_benchmark.py (it needs a course directory; see the README).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.course.config import load_course  # noqa: E402
from grader.grading.runner import grade  # noqa: E402
from grader.grading.session import Reference  # noqa: E402

GRADE = [sys.executable, "-c", "from grader.cli import main; main()"]


def timed(command: list[str], cwd: Path = ROOT) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def floor_seconds() -> float:
    """What the reference alone spends on the probes of one full grading, in a warm worker."""
    course = load_course(ROOT / "course.toml")
    reference = Reference(course, ROOT / "solutions")
    try:
        grade(course=course, submission_dir=ROOT / "solutions", reference=reference)
        return reference.busy_s
    finally:
        reference.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=6)
    count = parser.parse_args().submissions
    import_tf = timed([sys.executable, "-c", "import tensorflow"])
    check_all = timed(GRADE + ["check", "solutions"])
    check_one = timed(GRADE + ["check", "solutions", "--exercise", "square_loss"])
    with tempfile.TemporaryDirectory(prefix="speed-") as folder:
        inputs = Path(folder) / "class"
        for number in range(count):
            shutil.copytree(ROOT / "examples" / "sample_submission", inputs / f"student{number:02d}")
        batch = timed(GRADE + ["batch", str(inputs), "--gradebook", str(Path(folder) / "book.sqlite"), "-j", "2"])
    floor = floor_seconds()
    per_submission = batch / count
    print(f"python -c 'import tensorflow'         {import_tf:7.2f} s")
    print(f"grade check solutions (5 exercises)   {check_all:7.2f} s")
    print(f"grade check --exercise square_loss    {check_one:7.2f} s")
    print(f"grade batch -j 2, per submission      {per_submission:7.2f} s  ({count} submissions, {batch:.1f} s)")
    print(f"floor: reference work, warm process   {floor:7.2f} s")
    print(f"ratios to the floor: batch per submission x{per_submission / floor:.1f}, check x{check_all / floor:.1f}")


if __name__ == "__main__":
    main()
