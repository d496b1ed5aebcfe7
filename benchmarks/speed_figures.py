"""The measurements of `benchmarks/speed.py`, each figure with its target (see that script's docstring)."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter

from benchmarks import anchor, classroom
from benchmarks.memory import PeakPss
from benchmarks.speed import GRADE, NBGRADER, PYTHON, ROOT, SOLUTIONS, Figure, environment, shown, timed
from benchmarks.speed_phases import PHASES, grade_each
from grader.batch.counted import BatchInputs
from grader.batch.warm import warm_reference
from grader.course.config import load_course
from grader.course.secret import load_secret
from grader.grading.inputs import PUBLIC_INPUTS, InputPlan

IN_PROCESS = "benchmarks/speed_phases.py: grade_pooled of each in one warm pool"


@dataclass(frozen=True)
class Run:
    folder: Path
    count: int
    jobs: int
    runs: int
    assignment: str | None
    nbgrader: bool
    # How many of the students are also graded on public and on per-student inputs (the cost of instructor inputs).
    compare: int = 10

    @property
    def chapter(self) -> bool:
        """Whether the whole-chapter targets apply (the whole course; the batch target also wants 40 and -j 2)."""
        return self.assignment is None

    def scope(self) -> list[str]:
        return ["--assignment", self.assignment] if self.assignment else []


def median(values: list[float]) -> float:
    return statistics.median(values)


def measure(run: Run, say: Callable[[Figure], None]) -> None:
    course = load_course(ROOT / "course.toml")
    exercise_ids = list(course.exercise_ids_of(run.assignment)) if run.assignment else None
    cache = run.folder / "cache"
    os.environ["GRADER_CACHE_DIR"] = str(cache)  # this process's gradings and every `grade` share one cache
    env = environment(cache)
    chapter_only = "" if run.chapter else "whole chapter only"

    def add(key: str, label: str, value: float | None, unit: str, command: str, target: str = "",
            met: bool | None = None, note: str = "") -> None:  # fmt: skip
        applies = run.chapter or not target
        say(Figure(key, label, None if value is None else round(value, 3), unit, target,
                   met if applies else None, command, note or ("" if applies else chapter_only)))  # fmt: skip

    counted = BatchInputs.for_course(course.path, per_student=False)
    secret = load_secret(course.path)
    assert secret is not None
    students = [folder for _, folder in classroom.make_class(run.folder / "class", run.count)]
    started = perf_counter()
    warm_reference(course, SOLUTIONS, counted, exercise_ids)
    seconds = perf_counter() - started
    add("warm_reference", "reference cache warmed once (before the workers)", seconds, "s",
        "grade batch's first step: grader/batch/warm.py (the solutions graded once)")  # fmt: skip

    gradings = grade_each(course, SOLUTIONS, [SOLUTIONS, *students], exercise_ids, {
        "instructor": lambda name: counted.plan(secret, name),
        "public": lambda _: PUBLIC_INPUTS,
        "per student": lambda name: InputPlan.instructor(secret, name),
    }, run.runs, first={"public": 1 + run.compare, "per student": 1 + run.compare})  # fmt: skip
    instructor = gradings["instructor"]
    solutions = [each[0] for each in instructor]
    floor = median([g.floor for g in solutions])
    work = median([g.total for g in solutions])
    add("floor", "floor: the solutions' questions + worker starts", floor, "s", IN_PROCESS + " (the solutions)")
    add("solutions_work", "grading of the solutions, warm pool", work, "s", IN_PROCESS + " (the solutions)")
    add("work_over_floor", "work per submission / floor", work / floor, "x", IN_PROCESS, "<= 1.25",
        work / floor <= 1.25)  # fmt: skip
    class_work = median([statistics.fmean(g.total for g in each[1:]) for each in instructor])
    add("class_work", f"class: mean grading of {run.count}, warm pool", class_work, "s", IN_PROCESS)
    for phase in PHASES:
        value = median([statistics.fmean(g.seconds[phase] for g in each[1:]) for each in instructor])
        add(f"phase_{phase.replace(' ', '_')}", f"  phase: {phase}, per grading", value, "s", IN_PROCESS)
    for count in ("calls", "fits", "loops", "starts"):
        add(f"{count}_per_grading", f"  {count} per grading of the solutions",
            float(getattr(solutions[-1], count)), "", IN_PROCESS + " (the solutions)")  # fmt: skip

    # The three plans compared on the same students: the first `compare` of the class.
    compared = median([statistics.fmean(g.total for g in each[1 : 1 + run.compare]) for each in instructor])
    public = median([statistics.fmean(g.total for g in each[1:]) for each in gradings["public"]])
    per_student = median([statistics.fmean(g.total for g in each[1:]) for each in gradings["per student"]])
    add("public_work", f"{run.compare} students on public inputs, mean grading", public, "s",
        IN_PROCESS + " (public inputs)")  # fmt: skip
    ratio = compared / public
    add("instructor_cost", "instructor inputs / public inputs", ratio, "x", IN_PROCESS, "<= 1.1", ratio <= 1.1)
    add("per_student_cost", "per-student inputs / public inputs", per_student / public, "x",
        IN_PROCESS + " (per-student inputs, each student's reference answers computed)")  # fmt: skip

    batch_walls, peaks = [], []
    for index in range(run.runs):
        command = [*GRADE, "batch", str(run.folder / "class"), "--gradebook", str(run.folder / f"book{index}.sqlite"),
                   "-j", str(run.jobs), *run.scope()]  # fmt: skip
        with PeakPss() as peak:
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                       text=True)  # fmt: skip
            peak.watch(process.pid)
            started = perf_counter()
            output, _ = process.communicate(timeout=7200)
            batch_walls.append(perf_counter() - started)
        if process.returncode != 0:
            raise SystemExit(f"grade batch exited {process.returncode}:\n{output[-3000:]}")
        peaks.append(peak.peak_bytes / 1e9)
    text = shown(command, run.folder).replace(f"book{run.runs - 1}", "book")
    batch = median(batch_walls)
    full = run.chapter and run.count == 40 and run.jobs == 2
    say(Figure("batch_wall", f"grade batch -j {run.jobs}, {run.count} submissions", round(batch, 3), "s", "<= 110",
               (batch <= 110) if full else None, text, "" if full else "40 submissions, -j 2, whole chapter only"))  # fmt: skip
    efficiency = class_work * run.count / run.jobs / batch
    add("batch_efficiency", "batch efficiency: sequential work / J / wall", efficiency, "", text)
    core_hours = batch * run.jobs / run.count * 1000 / 3600
    add("throughput", "throughput, core-hours per 1,000 submissions", core_hours, "h", text, "<= 1.5",
        core_hours <= 1.5)  # fmt: skip
    peak_gb = median(peaks)
    add("batch_peak_pss", "batch peak memory (sum of PSS, tree)", peak_gb, "GB", text + "  (psutil)", "<= 2.5",
        peak_gb <= 2.5)  # fmt: skip

    check = [*GRADE, "check", str(SOLUTIONS), "--inputs", "public", *run.scope()]
    importing = [PYTHON, "-c", "import tensorflow"]
    checks, imports = [], []
    for _ in range(run.runs):
        imports.append(timed(importing, ROOT, env))
        checks.append(timed(check, ROOT, env))
    import_tf, check_s = median(imports), median(checks)
    add("import_tensorflow", 'python -c "import tensorflow"', import_tf, "s", shown(importing, run.folder))
    add("check", "grade check of the solutions", check_s, "s", shown(check, run.folder),
        f"<= import + 5.0 = {import_tf + 5.0:.2f}", check_s <= import_tf + 5.0)  # fmt: skip
    nbgrader(run, env, add)


def autograded(command: list[str], cwd: Path, env: dict[str, str], notebook: Path) -> float:
    """`nbgrader autograde` timed; a run that wrote no autograded notebook timed nothing, and stops the benchmark."""
    before = time.time()
    seconds = timed(command, cwd, env, (0,))
    if not notebook.is_file() or notebook.stat().st_mtime < before:
        raise SystemExit(
            f"{shown(command, cwd)} wrote no {notebook.name}: it graded nothing, so its time means nothing"
        )
    return seconds


def nbgrader(run: Run, env: dict[str, str], add: Callable[..., None]) -> None:
    """Our nbgrader course: autograde of one notebook minus `grade check` of it, against nbgrader's own cost (the
    autograde of a plain nbgrader course's notebook of the same students' code, benchmarks/anchor.py)."""
    from tests import nbgrader_support

    folder = run.folder / "nbgrader"
    course_dir = folder / "course"
    # --force: without it nbgrader skips a submission it has autograded before, and every run after the first
    # timed nothing (our autograde minus grade check came out at -22.9 s, "met", on 2026-12-07).
    autograde = [*NBGRADER, "autograde", nbgrader_support.ASSIGNMENT, "--student", "reference", "--force"]
    plain = [*NBGRADER, "autograde", anchor.ASSIGNMENT, "--force"]
    texts = {"ours": shown(autograde, run.folder), "plain": shown(plain, run.folder)}
    if not run.nbgrader:
        for key, label in (("nbgrader_ours", "our nbgrader: autograde - grade check"),
                           ("nbgrader_plain", "plain nbgrader course: autograde, one student")):  # fmt: skip
            target = "<= plain + 1.0" if key == "nbgrader_ours" else ""
            add(key, label, None, "s", texts[key.split("_")[1]], target, None, "not measured: --no-nbgrader")
        return
    folder.mkdir()
    timed([*GRADE, "nbgrader", str(course_dir), "--course", str(ROOT / "course.toml")], folder, env)
    timed([*NBGRADER, "generate_assignment", nbgrader_support.ASSIGNMENT], course_dir, env)
    paths = nbgrader_support.submit(course_dir)
    check = [*GRADE, "check", str(paths["reference"]), "--course", str(course_dir / "course.toml")]
    anchor_dir = folder / "anchor"
    anchor.write_course(anchor_dir, SOLUTIONS)
    timed([*NBGRADER, "generate_assignment", anchor.ASSIGNMENT], anchor_dir, env)
    anchor.submit(anchor_dir, [("reference", SOLUTIONS)])
    timed(check, course_dir, env)  # warms the reference cache, as any earlier grading of this course would
    ours_notebook = course_dir / "autograded" / "reference" / nbgrader_support.ASSIGNMENT / nbgrader_support.NOTEBOOK
    plain_notebook = anchor_dir / "autograded" / "reference" / anchor.ASSIGNMENT / anchor.NOTEBOOK
    differences, plains = [], []
    for _ in range(run.runs):
        differences.append(autograded(autograde, course_dir, env, ours_notebook) - timed(check, course_dir, env))
        plains.append(autograded(plain, anchor_dir, env, plain_notebook))
    own, difference = median(plains), median(differences)
    add("nbgrader_plain", "plain nbgrader course: autograde, one student", own, "s", texts["plain"])
    add("nbgrader_ours", "our nbgrader: autograde - grade check", difference, "s", texts["ours"],
        f"<= plain + 1.0 = {own + 1.0:.2f}", difference <= own + 1.0)  # fmt: skip
