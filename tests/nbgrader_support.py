"""The real nbgrader cycle, shared by tests/nbgrader/test_nbgrader_cycle.py and scripts/nbgrader_benchmark.py.

`prepare` builds a course with `grade nbgrader`, releases it with `nbgrader
generate_assignment` and submits three notebooks (the reference, the released notebook
unchanged, the reference with one exercise wrong). Then two independent tracks: `autograde`
(`nbgrader autograde` per student, scores read from gradebook.db) and `doors` (`grade check`
of the first notebook, `nbgrader validate` on the first two, `grade batch` on nbgrader's
submitted/ folder). Each step times its commands and returns what it saw as plain data.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = "keras-intro"
NOTEBOOK = "keras_intro.ipynb"
STUDENTS = ("reference", "unchanged", "one_wrong")
WRONG_EXERCISE = "acceleration"
BIN = Path(sys.executable).parent


def environment() -> dict[str, str]:
    """This interpreter's bin first on PATH: nbgrader runs `alembic`, and the kernel must be this Python."""
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "JUPYTER_PREFER_ENV_PATH": "1"}


def run(command: list[str], cwd: Path, timeout: float = 900) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run a command; return it and its wall time in seconds."""
    started = time.monotonic()
    completed = subprocess.run(command, cwd=cwd, env=environment(), capture_output=True, text=True, timeout=timeout)
    return completed, round(time.monotonic() - started, 2)


def grade_command(*arguments: str) -> list[str]:
    return [sys.executable, "-c", "from grader.cli import main; main()", *arguments]


def nbgrader_command(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "nbgrader", *arguments]


def solved(released: dict[str, Any], source: dict[str, Any], wrong: str | None = None) -> dict[str, Any]:
    """The released notebook with the reference code typed into its solution cells (as a student would)."""
    answers = {
        cell["metadata"]["nbgrader"]["grade_id"]: "".join(cell["source"])
        for cell in source["cells"]
        if cell["metadata"].get("nbgrader", {}).get("solution")
    }
    notebook = copy.deepcopy(released)
    for cell in notebook["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if cell["metadata"].get("nbgrader", {}).get("solution"):
            lines = [
                line
                for line in answers[grade_id].splitlines()
                if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line
            ]
            text = "\n".join(lines)
            if grade_id == wrong:
                # The first derivative instead of the second: a known mistake with a hint.
                text = text.replace("return outer_tape.gradient(speed, time_tensor)", "return speed")
                assert "return speed" in text, "the reference acceleration changed: update this mistake"
            cell["source"] = text
    return notebook


def submit(course_dir: Path) -> dict[str, Path]:
    """nbgrader's submitted/<student>/<assignment>/ layout for the three students."""
    source = json.loads((course_dir / "source" / ASSIGNMENT / NOTEBOOK).read_text())
    released = json.loads((course_dir / "release" / ASSIGNMENT / NOTEBOOK).read_text())
    notebooks = {
        "reference": solved(released, source),
        "unchanged": released,
        "one_wrong": solved(released, source, WRONG_EXERCISE),
    }
    paths = {}
    for student, notebook in notebooks.items():
        folder = course_dir / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True, exist_ok=True)
        (folder / NOTEBOOK).write_text(json.dumps(notebook, indent=1))
        paths[student] = folder / NOTEBOOK
    return paths


def nbgrader_scores(course_dir: Path, course_id: str) -> dict[str, dict[str, float]]:
    """Points per grade cell for each student, read from gradebook.db through nbgrader's API."""
    from nbgrader.api import Gradebook

    scores: dict[str, dict[str, float]] = {}
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}", course_id) as gradebook:
        for student in STUDENTS:
            notebook = gradebook.find_submission_notebook(NOTEBOOK.removesuffix(".ipynb"), ASSIGNMENT, student)
            scores[student] = {grade.name: float(grade.score) for grade in notebook.grades}
    return scores


def cell_outputs(notebook: Path) -> dict[str, list[dict[str, Any]]]:
    """The outputs of each nbgrader cell of an executed notebook, by grade_id."""
    cells = json.loads(notebook.read_text())["cells"]
    return {
        cell["metadata"]["nbgrader"]["grade_id"]: cell.get("outputs", [])
        for cell in cells
        if cell["cell_type"] == "code" and "grade_id" in cell["metadata"].get("nbgrader", {})
    }


def checked(
    completed: subprocess.CompletedProcess[str], what: str, codes: tuple[int, ...] = (0,)
) -> subprocess.CompletedProcess[str]:
    if completed.returncode not in codes:
        raise AssertionError(
            f"{what} exited {completed.returncode}:\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}"
        )
    return completed


def prepare(folder: Path) -> dict[str, Any]:
    """`grade nbgrader`, `nbgrader generate_assignment`, and the three submissions, in `folder`."""
    course_dir = folder / "course"
    times: dict[str, float] = {}
    completed, times["grade nbgrader"] = run(
        grade_command("nbgrader", str(course_dir), "--course", str(ROOT / "course.toml")), folder
    )
    checked(completed, "grade nbgrader")
    completed, times["nbgrader generate_assignment"] = run(
        nbgrader_command("generate_assignment", ASSIGNMENT), course_dir
    )
    checked(completed, "nbgrader generate_assignment")
    paths = submit(course_dir)
    return {
        "course_dir": str(course_dir),
        "times": times,
        "paths": {student: str(path) for student, path in paths.items()},
    }


def autograde(folder: Path, students: tuple[str, ...] = STUDENTS) -> dict[str, Any]:
    """`nbgrader autograde` per student (after `prepare`): gradebook scores and the cells' outputs."""
    course_dir = folder / "course"
    times: dict[str, float] = {}
    for student in students:
        completed, times[f"nbgrader autograde {student}"] = run(
            nbgrader_command("autograde", ASSIGNMENT, "--student", student), course_dir
        )
        checked(completed, f"nbgrader autograde --student {student}")
    outputs = {
        student: cell_outputs(course_dir / "autograded" / student / ASSIGNMENT / NOTEBOOK) for student in students
    }
    scores = nbgrader_scores(course_dir, "keras-intro") if students == STUDENTS else {}
    return {"times": times, "nbgrader": scores, "outputs": outputs}


def check(folder: Path) -> dict[str, Any]:
    """`grade check` of the reference notebook (after `prepare`), as JSON."""
    course_dir = folder / "course"
    notebook = course_dir / "submitted" / "reference" / ASSIGNMENT / NOTEBOOK
    completed, seconds = run(
        grade_command("check", str(notebook), "--course", str(course_dir / "course.toml"), "--format", "json"),
        course_dir,
    )
    return {
        "times": {"grade check reference": seconds},
        "check": json.loads(checked(completed, "grade check", (0, 1)).stdout),
    }


def doors(folder: Path) -> dict[str, Any]:
    """The other doors (after `prepare`): `grade check`, `nbgrader validate` twice, `grade batch`."""
    course_dir = folder / "course"
    data = check(folder)
    validate = {}
    for student in ("reference", "unchanged"):
        notebook = course_dir / "submitted" / student / ASSIGNMENT / NOTEBOOK
        completed, data["times"][f"nbgrader validate {student}"] = run(
            nbgrader_command("validate", str(notebook)), course_dir
        )
        validate[student] = completed.stdout + completed.stderr
    gradebook = folder / "batch.db"
    completed, data["times"]["grade batch"] = run(
        grade_command(
            "batch",
            str(course_dir / "submitted"),
            "--gradebook",
            str(gradebook),
            "--course",
            str(course_dir / "course.toml"),
            "-j",
            "1",
        ),
        course_dir,
    )
    checked(completed, "grade batch")
    from grader.batch.gradebook import Gradebook

    with Gradebook(gradebook) as book:
        batch = {row.student: row.result for row in book.rows()}
    return {**data, "validate": validate, "batch": batch}


def merge(*parts: dict[str, Any]) -> dict[str, Any]:
    """The parts' results as one dict, their timings together."""
    merged: dict[str, Any] = {"times": {}}
    for part in parts:
        merged.update({key: value for key, value in part.items() if key != "times"})
        merged["times"].update(part.get("times", {}))
    return merged


def run_cycle(folder: Path, *, students: tuple[str, ...] = STUDENTS, full: bool = True) -> dict[str, Any]:
    """The whole cycle in `folder`, one step after the other; `full=False`: autograde and check only."""
    parts = [prepare(folder), autograde(folder, students)]
    parts += [doors(folder)] if full else [check(folder)]
    return merge(*parts)
