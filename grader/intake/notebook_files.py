"""Notebook files to modules: `grade check NOTEBOOK.ipynb`, and nbgrader's `submitted/` folders for `grade batch`.

A file is read with clear messages for what is not a notebook (`read_cells`), its read-only
cells checked against nbgrader's checksums (an edited given cell is graded as released when
the reference solutions are at hand), and its cells turned into modules by the rule of
`grader.intake.cell_assembly`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from grader.course.cells import SETUP_ID, canonical_cells, given_id, grade_cell_id
from grader.course.config import Course
from grader.errors import UsageError
from grader.intake.cell_assembly import Conversion, assemble, transform_magics, unreadable

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024


def cell_text(value: Any) -> str:
    """A cell's source (or any text field) as one string: nbformat allows a list of lines."""
    return "".join(str(part) for part in value) if isinstance(value, list) else str(value or "")


def checksum(cell: Mapping[str, Any]) -> str:
    """nbgrader's checksum of a cell (`nbgrader.utils.compute_checksum`, same algorithm)."""
    metadata = cell.get("metadata")
    meta = metadata.get("nbgrader", {}) if isinstance(metadata, dict) else {}
    digest = hashlib.md5()
    for part in (
        cell_text(cell.get("source")),
        str(cell.get("cell_type")),
        str(bool(meta.get("grade"))),
        str(bool(meta.get("solution"))),
        str(bool(meta.get("locked"))),
        str(meta.get("grade_id")),
    ):
        digest.update(part.encode("utf-8"))
    if meta.get("grade"):
        digest.update(str(float(meta.get("points", 0))).encode("utf-8"))
    return digest.hexdigest()


def read_cells(path: Path) -> list[dict[str, Any]]:
    """The cells of a notebook file; `UsageError` with a clear message when it is not one."""
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UsageError(f"{name} cannot be read ({error.strerror}).") from error
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise UsageError(
            f"{name} is {len(data)} bytes, over the {MAX_NOTEBOOK_BYTES}-byte limit: clear its outputs and save it again."
        )
    try:
        document = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise UsageError(
            f"{name} is not a notebook: it is not UTF-8 text ({error.reason} at byte {error.start})."
        ) from error
    except json.JSONDecodeError as error:
        raise UsageError(
            f"{name} is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}): the file is damaged;"
            " open it in Jupyter to repair it, or start again from the released notebook"
        ) from error
    if not isinstance(document, dict) or "nbformat" not in document:
        raise UsageError(f"{name} is JSON but not a Jupyter notebook (no nbformat field).")
    if document["nbformat"] != 4:
        raise UsageError(
            f"{name} is in nbformat {document['nbformat']!r}; the grader reads nbformat 4:"
            " open it in a current Jupyter and save it (Jupyter converts it)"
        )
    cells = document.get("cells")
    if not isinstance(cells, list) or not all(isinstance(cell, dict) for cell in cells):
        raise UsageError(f"{name} has no list of cells: the file is damaged; start again from the released notebook.")
    return cells


def convert_cells(
    course: Course, cells: list[dict[str, Any]], notebook: str, canonical: Mapping[str, str] | None = None
) -> Conversion:
    """The modules of a notebook's cells, with a message for each cell that was deleted or edited."""
    messages: list[str] = []
    given: dict[str, str | None] = {module: None for module in course.modules}
    code: list[str] = []
    first_test: dict[str, int] = {}
    seen: set[str] = set()
    for cell in cells:
        metadata = cell.get("metadata")
        meta = metadata.get("nbgrader") if isinstance(metadata, dict) else None
        meta = meta if isinstance(meta, dict) else {}
        grade_id = str(meta.get("grade_id", ""))
        seen.add(grade_id)
        edited = meta.get("locked") and "checksum" in meta and meta["checksum"] != checksum(cell)
        module = grade_id.removesuffix("-given")
        if module in given and grade_id == given_id(module):
            source = cell_text(cell.get("source"))
            if edited and canonical and grade_id in canonical:
                messages.append(
                    f"the read-only cell {grade_id} was edited: graded with the released version (as nbgrader does)"
                )
                source = canonical[grade_id]
            elif edited:
                messages.append(
                    f"the read-only cell {grade_id} was edited: graded as it is (nbgrader autograde restores it)"
                )
            given[module] = source
        elif meta.get("grade"):
            exercise_id = grade_id.split("-", 1)[0]
            first_test.setdefault(exercise_id, len(code))
            if edited:
                messages.append(f"the test cell {grade_id} was edited: ignored, the grader runs the course's own tests")
        elif cell.get("cell_type") == "code" and grade_id != SETUP_ID:
            code.append(transform_magics(cell_text(cell.get("source"))))
    for module in course.modules:
        if given[module] is None and canonical and given_id(module) in canonical:
            messages.append(f"the read-only cell {given_id(module)} was deleted: graded with the released version")
            given[module] = canonical[given_id(module)]
    for exercise in course.exercises:
        if exercise.id not in seen:
            messages.append(f"the solution cell {exercise.id} is not in {notebook} (deleted?)")
        lost = [t.name for t in exercise.tests if grade_cell_id(exercise.id, t.name) not in seen]
        if lost:
            messages.append(f"test cell(s) of {exercise.id} deleted ({', '.join(lost)}): the grader runs them anyway")
    return assemble(course, given, code, limits=first_test, notebook=notebook, messages=messages)


def convert_notebook(course: Course, path: Path, canonical: Mapping[str, str] | None = None) -> Conversion:
    """The modules of one notebook file; an unreadable file gives modules that raise why."""
    try:
        cells = read_cells(path)
    except UsageError as error:
        return unreadable(course, error.message)
    return convert_cells(course, cells, path.name, canonical)


def pick_notebook(folder: Path, preferred: str | None = None) -> Path:
    """The notebook of a submitted assignment folder: `preferred` if there, else the only one."""
    notebooks = sorted(p for p in folder.glob("*.ipynb") if p.is_file() and not p.is_symlink())
    if preferred and (folder / preferred) in notebooks:
        return folder / preferred
    if len(notebooks) == 1:
        return notebooks[0]
    found = ", ".join(p.name for p in notebooks) or "none"
    raise UsageError(
        f"{folder} should hold the course notebook{f' {preferred}' if preferred else ''} (found: {found})."
    )


def course_canonical(course: Course) -> dict[str, str] | None:
    """The released given cells, when the reference solutions sit beside course.toml (instructors)."""
    solutions = course.path.parent / "solutions"
    return canonical_cells(course, solutions) if solutions.is_dir() else None


def convert_submission(course: Course, folder: Path, preferred: str | None = None) -> Conversion:
    """nbgrader's `submitted/<student>/<assignment>/` folder to modules (with messages), for `grade batch`.

    Write the modules with `Conversion.write(folder)`; `Conversion.readable` is False when the
    notebook could not be read at all (then every module raises why, and scores 0).
    """
    try:
        path = pick_notebook(folder, preferred)
    except UsageError as error:
        return unreadable(course, error.message)
    return convert_notebook(course, path, course_canonical(course))
