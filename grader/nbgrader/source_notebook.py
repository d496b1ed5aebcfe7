"""The source notebook of the nbgrader assignment, made from `solutions/` and `course.toml`.

Per module, a markdown part from its docstring and a read-only cell of given code (first line
`# Given code of <module>.py ...`); per exercise, a markdown cell from its docstring, a
solution cell holding the reference between `### BEGIN SOLUTION` / `### END SOLUTION`
(grade_id = the exercise id), and one locked test cell per test of course.toml (its points;
hidden tests between `### BEGIN HIDDEN TESTS` / `### END HIDDEN TESTS`). The test cells call
`grader.nbgrader.kernel.check`, the course's own grader.
"""

from __future__ import annotations

import re
from pathlib import Path
from string import Template
from typing import Any

from grader.course.cells import SETUP_ID, given_id, grade_cell_id, layouts
from grader.course.config import Course, ExerciseSpec

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
SETUP_SOURCE = """\
# Setup (read-only): run this cell first. It keeps TensorFlow's logs quiet; the test cells
# below grade your code with the course's grader (the `grade` kit, installed in this kernel).
import os

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"
import grader.nbgrader.kernel  # noqa: E402,F401"""


def _cell(kind: str, source: str, grade_id: str, **flags: Any) -> dict[str, Any]:
    meta = {
        "grade": False,
        "grade_id": grade_id,
        "locked": False,
        "schema_version": 3,
        "solution": False,
        "task": False,
    }
    meta.update(flags)
    cell: dict[str, Any] = {
        "cell_type": kind,
        "id": re.sub(r"[^A-Za-z0-9_-]", "-", grade_id)[:64],
        "metadata": {"nbgrader": meta},
        "source": source,
    }
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def _test_source(exercise: ExerciseSpec, test_name: str) -> str:
    test = exercise.test(test_name)
    call = f'from grader.nbgrader.kernel import check\n\ncheck("{exercise.id}", "{test.name}")'
    what = test.name.replace("_", " ")
    if test.hidden:
        return (
            f"# Hidden test ({test.points} points): {exercise.id} {what}. It runs when your instructor grades.\n"
            f"### BEGIN HIDDEN TESTS\n{call}\n### END HIDDEN TESTS"
        )
    return f"# Test ({test.points} points): {exercise.id} {what}.\n{call}"


def build_notebook(course: Course, solutions_dir: Path, notebook_name: str) -> dict[str, Any]:
    """The source notebook of the assignment, as nbformat 4 JSON."""
    intro = Template((TEMPLATES / "nbgrader_intro.md").read_text(encoding="utf-8")).substitute(
        title=course.title or course.id,
        course_id=course.id,
        version=course.version,
        points=course.max_score,
        notebook=notebook_name,
    )
    cells = [_cell("markdown", intro.strip(), "intro", locked=True), _cell("code", SETUP_SOURCE, SETUP_ID, locked=True)]
    for layout in layouts(course, solutions_dir):
        cells.append(_cell("markdown", layout.intro, f"{layout.module}-intro", locked=True))
        cells.append(_cell("code", layout.given, given_id(layout.module), locked=True))
        for code in layout.exercises:
            exercise = code.exercise
            cells.append(_cell("markdown", code.markdown, f"{exercise.id}-task", locked=True))
            cells.append(_cell("code", code.solution, exercise.id, solution=True))
            for test in exercise.tests:
                cells.append(
                    _cell(
                        "code",
                        _test_source(exercise, test.name),
                        grade_cell_id(exercise.id, test.name),
                        grade=True,
                        locked=True,
                        points=test.points,
                    )
                )
    metadata = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    return {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}
