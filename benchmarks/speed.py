"""Speed of grading, measured side by side in one run on this machine, against targets.

    .venv/bin/python benchmarks/speed.py [--submissions 40] [--jobs 2] [--anchor-students K]
                                         [--markdown README.md] [--json FILE]

For N submissions (a mix of the sample submission, the solutions, the stubs and mutants, made
in a temporary folder by benchmarks/classroom.py), each figure is printed with its target and
the command that produced it:
- the floor (the reference doing the grading work of one submission in a warm process: the
  reference's probes, its workers started beforehand) and the ideal batch wall time, floor x N / jobs;
- `grade batch -j J` of the N submissions (cold reference cache): wall time, efficiency (ideal /
  actual), and the peak memory of its whole process tree (the sum of PSS, sampled with psutil);
- the grading work itself: one rotation of the class graded one after the other in one warm pool
  (the suites ask the student's code more than they ask the reference: tests that compare the
  student's answers with each other or with exact values); ideal batch wall, mean x N / jobs, and
  the batch's efficiency against it: what the batch's starts and its sharing among workers waste;
- the anchor: a plain nbgrader course with `assert` test cells (benchmarks/anchor.py),
  `nbgrader autograde` of the same students as notebooks (K of them, default N, scaled to N);
- our nbgrader course (`grade nbgrader`): `nbgrader autograde` of one student next to
  `grade check` of the same notebook;
- `grade check --exercise square_loss` in a student release next to `python -c "import tensorflow"`.
`--markdown FILE` writes the table, dated, into FILE (between the speed-table markers if FILE
has them, as README.md does). Every `grade` here uses one reference cache folder of its own.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import anchor, classroom  # noqa: E402
from benchmarks.memory import PeakPss  # noqa: E402

PYTHON = sys.executable
GRADE = [PYTHON, "-c", "from grader.cli import main; main()"]
NBGRADER = [PYTHON, "-m", "nbgrader"]
BEGIN, END = "<!-- speed-table:begin -->", "<!-- speed-table:end -->"


@dataclass(frozen=True)
class Figure:
    """One measured figure, its target (if any) and the command that produced it."""

    key: str
    label: str
    value: float
    unit: str
    target: str
    met: bool | None
    command: str

    def line(self) -> str:
        verdict = "" if self.met is None else ("met" if self.met else "NOT MET")
        target = f"target {self.target}" if self.target else ""
        return f"{self.label:<46} {self.value:9.2f} {self.unit:<4} {target:<22} {verdict:<8} $ {self.command}"


def environment(cache: Path) -> dict[str, str]:
    """This interpreter's bin first on PATH (nbgrader runs alembic and this kernel), one reference cache."""
    bin_dir = str(Path(PYTHON).parent)
    return {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "JUPYTER_PREFER_ENV_PATH": "1",
        "GRADER_CACHE_DIR": str(cache),
    }


def timed(command: list[str], cwd: Path, env: dict[str, str], codes: tuple[int, ...] = (0,)) -> float:
    """Wall seconds of a command; raises if it failed (the time of a failed command means nothing)."""
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=3600)
    elapsed = time.perf_counter() - started
    if completed.returncode not in codes:
        raise SystemExit(
            f"{' '.join(command)} exited {completed.returncode}:\n{completed.stdout[-2000:]}\n{completed.stderr[-3000:]}"
        )
    return elapsed


def shown(command: list[str], folder: Path) -> str:
    """A command as a person would type it: `grade ...`, `nbgrader ...`, paths relative to the run's folder."""
    if command[:3] == GRADE:
        words = ["grade", *command[3:]]
    elif command[:3] == NBGRADER:
        words = ["nbgrader", *command[3:]]
    else:
        words = ["python", *command[1:]] if command[0] == PYTHON else command
    return shlex.join(words).replace(str(folder), "$TMP").replace(str(ROOT), ".")


def floor_seconds() -> float:
    """What the reference alone spends on the probes of one full grading, in a warm worker (no cache).

    Every exercise's reference worker is started (TensorFlow imported, the module imported) before the
    grading, so that the figure is the probes' work, not the sandbox's start.
    """
    from grader.course.config import load_course
    from grader.grading.reference import Reference
    from grader.grading.runner import grade

    course = load_course(ROOT / "course.toml")
    reference = Reference(course, ROOT / "solutions")
    try:
        for exercise in course.exercises:
            reference.import_duration(exercise)
        grade(course=course, submission_dir=ROOT / "solutions", reference=reference)
        return reference.busy_s
    finally:
        reference.close()


def warm_sequential_seconds(students: list[tuple[str, Path]], cache: Path) -> list[float]:
    """Seconds of each grading of `students`, one after the other in ONE warm pool with a warm reference cache:
    the grading work itself, without any start, which `grade batch -j J` shares out among its J workers."""
    from grader.course.config import load_course
    from grader.grading.pool_retry import grade_pooled
    from grader.grading.reference import Reference
    from grader.grading.reference_cache import ReferenceCache, reference_digest
    from grader.sandbox.warm_pool import WarmPool

    course = load_course(ROOT / "course.toml")
    solutions = ROOT / "solutions"
    reference = Reference(course, solutions, cache=ReferenceCache(cache, reference_digest(course, solutions)))
    pool = WarmPool(course.limits, probes=course.probe_files)
    try:
        pool.start()
        # One grading first, not counted: the pool is warm and every reference answer is in the cache.
        grade_pooled(pool=pool, course=course, submission_dir=ROOT / "solutions", reference=reference)
        seconds = []
        for _, folder in students:
            started = time.perf_counter()
            grade_pooled(pool=pool, course=course, submission_dir=folder, reference=reference)
            seconds.append(time.perf_counter() - started)
        return seconds
    finally:
        pool.close()
        reference.close()


def measure(
    count: int, jobs: int, anchor_students: int, repeats: int, folder: Path, say: Callable[[Figure], None]
) -> list[Figure]:
    figures: list[Figure] = []

    def add(key: str, label: str, value: float, unit: str, target: str, met: bool | None, command: str) -> Figure:
        figure = Figure(key, label, round(value, 3), unit, target, met, command)
        figures.append(figure)
        say(figure)
        return figure

    env = environment(folder / "cache")

    floor = floor_seconds()
    add("floor", "floor: reference's work, warm process", floor, "s", "", None,
        "benchmarks/speed.py: Reference.busy_s after grading solutions/")  # fmt: skip
    ideal = floor * count / jobs
    add("ideal_batch", f"ideal batch wall: floor x {count} / {jobs}", ideal, "s", "", None, "(computed)")

    students = classroom.make_class(folder / "class", count)
    command = GRADE + ["batch", str(folder / "class"), "--gradebook", str(folder / "book.sqlite"), "-j", str(jobs)]
    with PeakPss() as peak:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        peak.watch(process.pid)
        started = time.perf_counter()
        output, _ = process.communicate(timeout=7200)
        batch = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"grade batch exited {process.returncode}:\n{output[-3000:]}")
    text = shown(command, folder)
    add("batch_wall", f"grade batch -j {jobs}, {count} submissions", batch, "s", "", None, text)
    add("batch_per_submission", "grade batch, wall per submission", batch / count, "s", "", None, text)
    efficiency = ideal / batch
    add("batch_efficiency", "batch efficiency: ideal / actual", efficiency, "", ">= 0.75", efficiency >= 0.75, text)
    # The same batch against the grading work itself: one rotation of the class (every kind of submission in
    # the class's proportions), graded one after the other in one warm pool, scaled to the class.
    rotation = students[: min(count, len(classroom.ROTATION))]
    work = warm_sequential_seconds(rotation, folder / "cache")
    per_submission = statistics.fmean(work)
    add("warm_per_submission", f"warm sequential grading, mean of {len(rotation)}", per_submission, "s", "", None,
        "benchmarks/speed.py: grade_pooled of each in one warm pool, warm cache")  # fmt: skip
    ideal_work = per_submission * count / jobs
    add("ideal_batch_work", f"ideal batch wall: warm grading x {count} / {jobs}", ideal_work, "s", "", None,
        "(computed)")  # fmt: skip
    pool_efficiency = ideal_work / batch
    add("batch_efficiency_work", "batch efficiency against warm grading", pool_efficiency, "", ">= 0.75",
        pool_efficiency >= 0.75, text)  # fmt: skip
    peak_gb = peak.peak_bytes / 1e9
    add(
        "batch_peak_pss",
        "batch peak memory (sum of PSS, tree)",
        peak_gb,
        "GB",
        "<= 3",
        peak_gb <= 3.0,
        text + "  (psutil)",
    )

    course_dir = folder / "anchor"
    anchor.write_course(course_dir, ROOT / "solutions")
    timed(NBGRADER + ["generate_assignment", anchor.ASSIGNMENT], course_dir, env)
    anchor.submit(course_dir, [(path.name, path) for _, path in students[:anchor_students]])
    command = NBGRADER + ["autograde", anchor.ASSIGNMENT]
    plain = timed(command, course_dir, env)
    text = shown(command, folder) + f"  (plain assert cells, {anchor_students} students)"
    add(
        "anchor_per_student",
        "anchor: plain nbgrader autograde, per student",
        plain / anchor_students,
        "s",
        "",
        None,
        text,
    )
    scaled = plain / anchor_students * count
    ratio = scaled / batch
    add("anchor_ratio", f"anchor ({count} students) / grade batch", ratio, "x", ">= 5", ratio >= 5.0, text)

    ours_nbgrader(folder / "ours", env, add, folder)
    release_check(folder / "release", env, add, folder, repeats)
    return figures


def ours_nbgrader(folder: Path, env: dict[str, str], add: Callable[..., Figure], top: Path) -> None:
    """Our nbgrader course: `nbgrader autograde` of one student next to `grade check` of the same notebook."""
    from tests import nbgrader_support

    folder.mkdir()
    course_dir = folder / "course"
    command = GRADE + ["nbgrader", str(course_dir), "--course", str(ROOT / "course.toml")]
    timed(command, folder, env)
    timed(NBGRADER + ["generate_assignment", nbgrader_support.ASSIGNMENT], course_dir, env)
    paths = nbgrader_support.submit(course_dir)
    check = GRADE + ["check", str(paths["reference"]), "--course", str(course_dir / "course.toml")]
    timed(check, course_dir, env)  # warms the reference cache, as any earlier grading of this course would
    autograde = NBGRADER + ["autograde", nbgrader_support.ASSIGNMENT, "--student", "reference"]
    nb_seconds = timed(autograde, course_dir, env)
    check_seconds = timed(check, course_dir, env)
    add(
        "ours_autograde",
        "our nbgrader course: autograde, one student",
        nb_seconds,
        "s",
        "",
        None,
        shown(autograde, top),
    )
    add("ours_check", "grade check of the same notebook", check_seconds, "s", "", None, shown(check, top))
    ratio = nb_seconds / check_seconds
    add("ours_ratio", "our autograde / grade check", ratio, "x", "<= 1.3", ratio <= 1.3, shown(autograde, top))


def release_check(out: Path, env: dict[str, str], add: Callable[..., Figure], folder: Path, repeats: int) -> None:
    """`grade check --exercise square_loss` in a student release (the solution typed in) and `import tensorflow`,
    alternately, `repeats` times each: the medians, side by side."""
    timed(GRADE + ["release", str(out)], ROOT, env)
    shutil.copyfile(ROOT / "solutions" / "linear_classifier.py", out / "exercises" / "linear_classifier.py")
    check = GRADE + ["check", "--exercise", "square_loss"]
    importing = [PYTHON, "-c", "import tensorflow"]
    checks, imports = [], []
    for _ in range(repeats):
        imports.append(timed(importing, ROOT, env))
        checks.append(timed(check, out, env))
    import_tf, seconds = statistics.median(imports), statistics.median(checks)
    text = shown(check, folder) + f"  (in a student release; median of {repeats})"
    add("import_tensorflow", 'python -c "import tensorflow"', import_tf, "s", "", None,
        shown(importing, folder) + f"  (median of {repeats})")  # fmt: skip
    add("release_check", "grade check --exercise square_loss, release", seconds, "s",
        f"<= {import_tf + 1.5:.2f}", seconds <= import_tf + 1.5, text)  # fmt: skip


def context() -> str:
    load = os.getloadavg()
    return (
        f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, {platform.machine()},"
        f" load average before the run {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )


def markdown(figures: list[Figure], header: str, footer: str) -> str:
    lines = [
        f"Measured by `benchmarks/speed.py` in one run ({header}):",
        "",
        "| figure | value | target | met | command |",
        "|---|---|---|---|---|",
    ]
    for f in figures:
        met = "" if f.met is None else ("yes" if f.met else "**no**")
        lines.append(f"| {f.label.strip()} | {f.value:.2f} {f.unit} | {f.target} | {met} | `{f.command}` |")
    return "\n".join([*lines, "", footer]) + "\n"


def write_markdown(path: Path, table: str) -> None:
    """Into `path` between the speed-table markers if it has them, else the whole file."""
    if path.is_file() and BEGIN in (text := path.read_text(encoding="utf-8")) and END in text:
        head, _, rest = text.partition(BEGIN)
        _, _, tail = rest.partition(END)
        path.write_text(f"{head}{BEGIN}\n{table}{END}{tail}", encoding="utf-8")
    else:
        path.write_text(table, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=40, help="N, the class size (default 40)")
    parser.add_argument("--jobs", type=int, default=2, help="grade batch -j (default 2)")
    parser.add_argument(
        "--anchor-students",
        type=int,
        default=None,
        help="students the plain nbgrader anchor grades (default N), scaled to N",
    )
    parser.add_argument("--repeats", type=int, default=3, help="runs of the release check and of the import (median)")
    parser.add_argument("--markdown", type=Path, help="write the table, dated, into this file")
    parser.add_argument("--json", type=Path, help="write the figures as JSON into this file")
    arguments = parser.parse_args()
    count, jobs = arguments.submissions, arguments.jobs
    anchor_students = min(count, arguments.anchor_students or count)
    if min(count, jobs, anchor_students, arguments.repeats) < 1:
        parser.error("--submissions, --jobs, --anchor-students and --repeats must be at least 1")
    header = context()
    print(f"benchmarks/speed.py --submissions {count} --jobs {jobs}: {header}", flush=True)
    with tempfile.TemporaryDirectory(prefix="speed-") as folder:
        figures = measure(
            count,
            jobs,
            anchor_students,
            arguments.repeats,
            Path(folder),
            lambda figure: print(figure.line(), flush=True),
        )
    footer = (
        f"$TMP was a temporary folder; load average after the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}."
    )
    print(footer)
    if arguments.markdown:
        write_markdown(arguments.markdown, markdown(figures, header, footer))
    if arguments.json:
        arguments.json.write_text(json.dumps({"context": header, "figures": [asdict(f) for f in figures]}, indent=1))


if __name__ == "__main__":
    main()
