"""`grade nbgrader COURSE_DIR`: the course as an nbgrader course directory.

One assignment for the chapter, with one notebook (`grader.nbgrader.source_notebook`), plus
nbgrader_config.py (course id, a cell timeout that fits TensorFlow, the kernel, where the
test cells find the instructor's course), the instructor's course.toml and solutions/, and
beside the notebook the students' course.toml (no hidden tests) with the expected values of
the public tests, so that the test cells and `grade check` work on the students' side too.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING

from grader.course.config import DEFAULT_PACKS_FOLDER, Course, load_course
from grader.course.packs import copy_course_packs
from grader.course.writer import render_course_toml
from grader.errors import UsageError
from grader.nbgrader.source_notebook import build_notebook

if TYPE_CHECKING:
    from grader.grading.runner import Steps

TIMEOUT_S = 300

CONFIG = '''\
"""nbgrader configuration of the course $course_id, written by `grade nbgrader`.

Run the nbgrader commands from this folder. course.toml and solutions/ here are the
instructor's copies: the test cells grade against them in autograde and validate.
"""

import os
import sys
from pathlib import Path

here = Path(__file__).resolve().parent
c = get_config()  # noqa: F821 - nbgrader provides it

# nbgrader runs `alembic` (its database migrations) from PATH: this environment's first.
os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])

c.CourseDirectory.course_id = "$course_id"
c.CourseDirectory.root = str(here)

# A test cell starts a sandbox that imports TensorFlow, then runs an exercise's tests:
# minutes, not nbgrader's default of 30 seconds per cell.
c.Execute.timeout = $timeout
c.ExecutePreprocessor.timeout = $timeout

# Run notebooks in the Python that runs nbgrader (where the grader kit is installed): the
# kernelspec of this environment wins over a user-level "python3" of another Python.
os.environ.setdefault("JUPYTER_PREFER_ENV_PATH", "1")

# A deleted test cell is put back and run, as `grade batch` runs every test anyway.
c.OverwriteCells.add_missing_cells = True

# The test cells grade against the instructor's course here: hidden tests included.
os.environ["GRADER_NBGRADER_COURSE"] = str(here / "course.toml")
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
'''


@dataclass(frozen=True)
class CourseDir:
    """What `build_course_dir` wrote."""

    root: Path
    assignment: str
    notebook: Path
    written: tuple[Path, ...]


def notebook_name(course: Course) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", course.id) + ".ipynb"


def students_kit(course: Course, solutions_dir: Path, folder: Path, progress: Steps | None = None) -> list[Path]:
    """course.toml without hidden tests, and the expected values of its public tests, for students."""
    from grader.grading.inputs import PUBLIC_INPUTS
    from grader.grading.reference import EXPECTED_STORE, Reference
    from grader.grading.reference_cache import ReferenceCache, cache_folder, reference_digest
    from grader.grading.solutions_verdict import grade_solutions

    (folder / EXPECTED_STORE).parent.mkdir(parents=True, exist_ok=True)
    (folder / "course.toml").write_text(render_course_toml(course.without_hidden_tests()), encoding="utf-8")
    packs = copy_course_packs(course.packs_dir, folder / DEFAULT_PACKS_FOLDER, hidden=False)
    students = load_course(folder / "course.toml")
    # The students' course's answers, cached as `grade release` caches them, beside the instructor's course.toml
    # (never in source/, which nbgrader releases).
    cache = ReferenceCache(cache_folder(course), reference_digest(students, solutions_dir))
    reference = Reference(students, solutions_dir, cache=cache)
    try:
        grade_solutions(students, solutions_dir, reference, inputs=PUBLIC_INPUTS, progress=progress)
        reference.save_store(folder / EXPECTED_STORE)
    finally:
        reference.close()
    return [folder / "course.toml", folder / EXPECTED_STORE, *([packs] if packs is not None else [])]


def build_course_dir(
    *,
    course: Course,
    solutions_dir: Path | None,
    course_dir: Path,
    assignment: str | None = None,
    timeout_s: int = TIMEOUT_S,
    force: bool = False,
    kit: bool = True,
    name: str | None = None,
    progress: Steps | None = None,
) -> CourseDir:
    """Write (or refresh, with `force`) the nbgrader course directory of `course`.

    `assignment` is a course assignment (course.toml [assignments.NAME], `ConfigError` otherwise): the
    notebook holds its exercises only. `name` is the nbgrader assignment's (default: `assignment`, else
    the course id). `kit`: also ship the students' course.toml and expected values beside the notebook
    (one grading of the reference solutions), so that test cells and `grade check` work for them.
    """
    # The notebook of an [assignments.NAME] is named after it; the whole course's after the course.
    course_assignment = assignment
    if course_assignment is not None:
        course = course.for_assignment(assignment)
    assignment = name or assignment or course.id
    solutions_dir = solutions_dir or course.path.parent / "solutions"
    if not solutions_dir.is_dir():
        raise UsageError(
            f"{solutions_dir} is not a folder: the notebook is made from the reference solutions (--solutions DIR)."
        )
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", assignment):
        raise UsageError(
            f"The nbgrader assignment's name {assignment!r} (--nbgrader-name, else --assignment) has other characters:"
            " use letters, digits, '-', '_' and '.' (nbgrader makes folders of it)."
        )
    name = (
        f"{re.sub(r'[^A-Za-z0-9_]', '_', course_assignment)}.ipynb"
        if course_assignment is not None
        else notebook_name(course)
    )
    source = course_dir / "source" / assignment
    notebook = source / name
    if notebook.exists() and not force:
        raise UsageError(
            f"{notebook} exists. Pass --force to rebuild it (then: nbgrader generate_assignment {assignment} --force)."
        )
    notebook_json = build_notebook(course, solutions_dir, name)  # Fails before anything is written.
    source.mkdir(parents=True, exist_ok=True)
    written = [course_dir / "nbgrader_config.py", course_dir / "course.toml", notebook]
    written[0].write_text(Template(CONFIG).substitute(course_id=course.id, timeout=int(timeout_s)), encoding="utf-8")
    if course.path.resolve() != written[1].resolve():
        shutil.copyfile(course.path, written[1])
    target = course_dir / "solutions"
    if solutions_dir.resolve() != target.resolve():
        target.mkdir(exist_ok=True)
        for module in course.modules:
            shutil.copyfile(solutions_dir / f"{module}.py", target / f"{module}.py")
            written.append(target / f"{module}.py")
    notebook.write_text(json.dumps(notebook_json, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if kit:
        written += students_kit(course, solutions_dir, source, progress)
    return CourseDir(course_dir, assignment, notebook, tuple(written))


def render(built: CourseDir) -> str:
    """What was written, and the nbgrader commands that come next, in order."""
    lines = [f"Wrote the nbgrader course in {built.root}:"] + [
        f"  {path.relative_to(built.root)}" for path in built.written
    ]
    a = built.assignment
    steps = [
        (f"nbgrader generate_assignment {a}", f"release/{a}/: no solutions, no hidden tests"),
        (f"nbgrader release_assignment {a}", "(JupyterHub) students fetch it"),
        (f"nbgrader collect {a}", f"(JupyterHub) into submitted/<student>/{a}/"),
        (f"nbgrader autograde {a}", "the scores, into gradebook.db"),
        (f"nbgrader generate_feedback {a}", f"feedback/<student>/{a}/*.html"),
        ("grade batch submitted --gradebook grades.db", "the same grading, outside the notebooks' kernels"),
    ]
    width = max(len(command) for command, _ in steps)
    lines += ["Next, from that folder:"] + [f"  {command:<{width}}  # {why}" for command, why in steps]
    return "\n".join(lines) + "\n"
