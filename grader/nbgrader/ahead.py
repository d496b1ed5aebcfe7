"""Grading ahead: under nbgrader every test cell runs, so one grading serves the notebook's test cells.

Under `nbgrader autograde` and `nbgrader validate` (NBGRADER_EXECUTION set) the kernel runs a
notebook file of its working folder from top to bottom. `plan_notebook` reads that file and says,
for each exercise, the source of its module as the kernel will have assembled it when the
exercise's first test cell runs (the rule of `grader.intake.cell_assembly.assemble`, applied to the
code cells above that test cell). A test cell whose exercise has no result yet then grades, in
one grading, its own exercise and every later one whose module that grading can hold (`group`),
but only when the kernel's history gives its exercise's module the digest the plan says
(`find_plan`): a file that is not the one running, an unsaved notebook or cells run out of order
are graded from the history, one exercise per test cell, as before.

Every result is kept under (exercise, digest of the module it was graded with) and is used only
by a test cell whose history gives that same digest, so grading ahead never changes a score.
It stops starting exercises after AHEAD_BUDGET_S, so that the first test cell stays well inside
nbgrader's cell timeout (`grade nbgrader` writes 300 s); what is left is graded when its test
cells come.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.course.cells import GIVEN_PATTERN
from grader.course.config import Course
from grader.errors import UsageError
from grader.intake.cell_assembly import assemble, source_digest, transform_magics
from grader.intake.notebook_files import cell_text, read_cells

# Past this many seconds, the grading ahead starts no further exercise.
AHEAD_BUDGET_S = 60.0


def given_cells(course: Course, sources: Sequence[str]) -> dict[str, str | None]:
    """The last run of each module's given cell, found by its first line."""
    given: dict[str, str | None] = {module: None for module in course.modules}
    for source in sources:
        match = GIVEN_PATTERN.match(source.lstrip("\n"))
        if match and match.group(1) in given:
            given[match.group(1)] = source
    return given


@dataclass(frozen=True)
class NotebookPlan:
    """For each exercise, its module's source at its first test cell, in the notebook's order."""

    path: Path
    sources: dict[str, str]
    order: tuple[str, ...]
    # Every module as the whole notebook makes it: the modules a grading writes but does not grade.
    modules: dict[str, str]

    def group(self, course: Course, first: str, graded: set[str]) -> list[str]:
        """`first`, then each later exercise not `graded` yet whose module can sit beside those chosen."""
        chosen = [first]
        sources = {course.exercise(first).module: self.sources[first]}
        for exercise_id in self.order[self.order.index(first) + 1 :]:
            module = course.exercise(exercise_id).module
            if exercise_id in graded or sources.get(module, self.sources[exercise_id]) != self.sources[exercise_id]:
                continue
            sources[module] = self.sources[exercise_id]
            chosen.append(exercise_id)
        return chosen

    def folder_modules(self, course: Course, exercise_ids: Sequence[str]) -> dict[str, str]:
        """The modules of a grading of `exercise_ids`: theirs as at their test cells, the others as the notebook ends."""
        modules = dict(self.modules)
        for exercise_id in exercise_ids:
            modules[course.exercise(exercise_id).module] = self.sources[exercise_id]
        return modules


def plan_notebook(course: Course, path: Path, cells: list[dict[str, Any]]) -> NotebookPlan:
    """What the kernel will have run at each exercise's first test cell, running `cells` in order."""
    modules_of = {exercise.id: exercise.module for exercise in course.exercises}
    run: list[str] = []
    sources: dict[str, str] = {}
    order: list[str] = []
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        metadata = cell.get("metadata")
        meta = metadata.get("nbgrader") if isinstance(metadata, dict) else None
        grade_id = str(meta.get("grade_id", "")) if isinstance(meta, dict) else ""
        exercise_id = grade_id.split("-", 1)[0]
        if isinstance(meta, dict) and meta.get("grade") and exercise_id not in sources and exercise_id in modules_of:
            conversion = assemble(course, given_cells(course, run), run)
            sources[exercise_id] = conversion.modules[modules_of[exercise_id]]
            order.append(exercise_id)
        run.append(transform_magics(cell_text(cell.get("source"))))
    modules = assemble(course, given_cells(course, run), run).modules
    return NotebookPlan(path, sources, tuple(order), modules)


def find_plan(course: Course, folder: Path, exercise_id: str, module_digest: str) -> NotebookPlan | None:
    """The plan of the notebook in `folder` that gives `exercise_id`'s module this digest (what the kernel ran)."""
    for path in sorted(folder.glob("*.ipynb")):
        if not path.is_file() or path.is_symlink():
            continue
        try:
            plan = plan_notebook(course, path, read_cells(path))
        except UsageError:
            continue
        if exercise_id in plan.sources and source_digest(plan.sources[exercise_id]) == module_digest:
            return plan
    return None
