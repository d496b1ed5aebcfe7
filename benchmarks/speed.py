"""Speed of grading, measured so that it cannot flatter: every figure from one run, side by side, with its target.

    .venv/bin/python benchmarks/speed.py [--submissions 40] [--jobs 2] [--runs 3] [--assignment NAME]
                                         [--no-nbgrader] [--max-load 0.5] [--markdown README.md] [--json FILE]

For N submissions (a mix of the sample submission, the solutions, the stubs and mutants, made in a temporary
folder by benchmarks/classroom.py), graded on instructor inputs with the reference cache warmed once beforehand
(as `grade batch` warms it), so that every side is measured in the same cache state:
- the floor: the solutions graded in a warm pool, summed from their own timings (each distinct question asked
  of the student's code, the workers' starts), and the work per submission against it (benchmarks/speed_phases.py);
- the phases of the class's gradings, one after the other in one warm pool: fits, training loops, other calls,
  worker starts, pytest and the parent, with the count of calls and fits per grading;
- `grade batch -j J` of the same N students: wall time, efficiency against the sequential work, throughput in
  core-hours per 1,000 submissions, and the peak memory of its process tree (sum of PSS, psutil);
- the cost of instructor inputs: the first `--compare` students (default 10) graded on public inputs, on
  instructor inputs, and per student (the whole class on all three made the run last over an hour on 2 cores);
- `grade check` of the solutions next to `python -c "import tensorflow"`;
- nbgrader (unless --no-nbgrader): `nbgrader autograde` of one notebook next to `grade check` of it.
Each timed figure is the median of `--runs` runs. `--assignment` grades that course assignment's exercises
only (every figure then says so, and the whole-chapter targets do not apply). `--markdown FILE` writes the table
between FILE's speed-table markers, unless the machine was busy (more than `--max-load` per core): the load
average before the run, or the CPU time of processes outside the benchmark's tree during it (psutil's busy
CPU seconds less the benchmark's own, os.times); a table from a busy machine would mislead.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PYTHON = sys.executable
GRADE = [PYTHON, "-c", "from grader.cli import main; main()"]
NBGRADER = [PYTHON, "-m", "nbgrader"]
BEGIN, END = "<!-- speed-table:begin -->", "<!-- speed-table:end -->"
SOLUTIONS = ROOT / "solutions"


@dataclass(frozen=True)
class Figure:
    """One measured figure (None: not measured in this run, and why is in `note`), its target and its command."""

    key: str
    label: str
    value: float | None
    unit: str
    target: str
    met: bool | None
    command: str
    note: str = ""

    def line(self) -> str:
        value = "-" if self.value is None else f"{self.value:.2f}"
        verdict = "" if self.met is None else ("met" if self.met else "NOT MET")
        target = f"target {self.target}" if self.target else ""
        note = f" ({self.note})" if self.note else ""
        return f"{self.label:<48} {value:>9} {self.unit:<5} {target:<30} {verdict:<8} $ {self.command}{note}"


def environment(cache: Path) -> dict[str, str]:
    """This interpreter's bin first on PATH (nbgrader runs this kernel), one reference cache for every `grade`."""
    return {
        **os.environ,
        "PATH": f"{Path(PYTHON).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "JUPYTER_PREFER_ENV_PATH": "1",
        "GRADER_CACHE_DIR": str(cache),
    }


def timed(command: list[str], cwd: Path, env: dict[str, str], codes: tuple[int, ...] = (0, 1)) -> float:
    """Wall seconds of a command; raises if it failed (exit 1 is a grade below full marks, not a failure)."""
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=3600)
    elapsed = time.perf_counter() - started
    if completed.returncode not in codes:
        raise SystemExit(f"{shlex.join(command)} exited {completed.returncode}:\n{completed.stderr[-3000:]}")
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


def busy(cores: int, limit: float) -> bool:
    return os.getloadavg()[0] > limit * cores


class OtherWork:
    """The CPU time of processes outside this benchmark's process tree while it ran, in cores.

    A thread samples every process each second (psutil): a process that is neither this one nor one seen
    below it adds what its CPU time grew by since the last sample (from zero when it started during the run).
    A process once seen in the benchmark's tree stays the benchmark's after its parent is gone. The machine's
    busy time less `os.times()` of this tree cannot tell: the sandboxes of a warm pool are killed with it and
    never waited for, so their CPU time is nobody's children's time (that measure gave 1.13 cores of "other
    work" on an idle machine, 2026-12-07). A process that starts and ends between two samples is not seen: at
    most a second's work each, never another job's hour.
    """

    def __init__(self, interval_s: float = 1.0) -> None:
        self.started = time.perf_counter()
        self.other_s = 0.0
        self._own: set[int] = {os.getpid()}
        self._seen: dict[tuple[int, float], float] = {}
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._sample(first=True)
        self._thread = threading.Thread(target=self._run, name="other-work", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval_s):
            self._sample(first=False)

    def _sample(self, *, first: bool) -> None:
        import psutil

        try:
            self._own.update(child.pid for child in psutil.Process().children(recursive=True))
        except psutil.Error:
            pass  # A child that ended while the tree was read: the next sample reads it again.
        for process in psutil.process_iter(["ppid", "create_time", "cpu_times"]):
            info = process.info
            if info["cpu_times"] is None or info["create_time"] is None:
                continue  # Gone, or not readable: not this user's to judge.
            if process.pid in self._own or info["ppid"] in self._own:
                self._own.add(process.pid)
                continue
            key = (process.pid, info["create_time"])
            cpu = info["cpu_times"].user + info["cpu_times"].system
            before = self._seen.get(key, cpu if first else 0.0)
            self.other_s += max(cpu - before, 0.0)
            self._seen[key] = cpu

    def cores(self) -> float:
        """Cores' worth of work of other processes, on average, since this object was made (stops sampling)."""
        self._stop.set()
        self._thread.join()
        self._sample(first=False)
        return self.other_s / max(time.perf_counter() - self.started, 1e-9)


def context(assignment: str | None) -> str:
    load = os.getloadavg()
    what = f"assignment {assignment}" if assignment else "the whole chapter"
    return (
        f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, {platform.machine()},"
        f" {what}, load average before the run {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
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
        value = "-" if f.value is None else f"{f.value:.2f} {f.unit}"
        note = f" ({f.note})" if f.note else ""
        lines.append(f"| {f.label.strip()} | {value} | {f.target} | {met} | `{f.command}`{note} |")
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
    from benchmarks.speed_figures import Run, measure  # after sys.path has the repository

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=40, help="N, the class size (default 40)")
    parser.add_argument("--jobs", type=int, default=2, help="grade batch -j (default 2)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each timed figure; the median is shown")
    parser.add_argument("--compare", type=int, default=10, help="students also graded on public and per-student"
                        " inputs, for the cost of instructor inputs (default 10; at most --submissions)")  # fmt: skip
    parser.add_argument("--assignment", help="grade only this [assignments.NAME] of course.toml")
    parser.add_argument("--no-nbgrader", action="store_true", help="leave the nbgrader figures out (minutes)")
    parser.add_argument("--max-load", type=float, default=0.5, help="load average per core above which the"
                        " machine is busy and no --markdown table is written (default 0.5)")  # fmt: skip
    parser.add_argument("--markdown", type=Path, help="write the table, dated, into this file (an idle machine)")
    parser.add_argument("--json", type=Path, help="write the figures as JSON into this file")
    arguments = parser.parse_args()
    if min(arguments.submissions, arguments.jobs, arguments.runs, arguments.compare) < 1:
        parser.error("--submissions, --jobs, --runs and --compare must be at least 1")
    cores = os.cpu_count() or 1
    busy_before = busy(cores, arguments.max_load)
    others = OtherWork()
    header = context(arguments.assignment)
    print(f"benchmarks/speed.py --submissions {arguments.submissions} --jobs {arguments.jobs}: {header}", flush=True)
    figures: list[Figure] = []

    def say(figure: Figure) -> None:
        figures.append(figure)
        print(figure.line(), flush=True)

    with tempfile.TemporaryDirectory(prefix="speed-") as folder:
        run = Run(
            folder=Path(folder),
            count=arguments.submissions,
            jobs=arguments.jobs,
            runs=arguments.runs,
            assignment=arguments.assignment,
            nbgrader=not arguments.no_nbgrader,
            compare=min(arguments.compare, arguments.submissions),
        )
        measure(run, say)
    load = os.getloadavg()
    elsewhere = others.cores()
    footer = (
        f"$TMP was a temporary folder; load average after the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f};"
        f" other processes used {elsewhere:.2f} cores on average during it."
    )
    print(footer)
    if arguments.markdown:
        if busy_before or elsewhere > arguments.max_load * cores:
            print(
                f"no table written into {arguments.markdown}: the load average before the run, or the work of other"
                f" processes during it, was above {arguments.max_load} per core (the machine was busy; its figures"
                " would mislead)"
            )
        else:
            write_markdown(arguments.markdown, markdown(figures, header, footer))
            print(f"table written into {arguments.markdown}")
    if arguments.json:
        arguments.json.write_text(json.dumps({"context": header, "figures": [asdict(f) for f in figures]}, indent=1))


if __name__ == "__main__":
    main()
