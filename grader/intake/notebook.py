"""Notebooks to the modules of the student contract, by one rule for every door.

A course notebook (made by `grade nbgrader`) holds, for each module, one read-only cell of
given code whose first line is `# Given code of <module>.py ...`, and for each exercise a
solution cell (nbgrader `grade_id` = the exercise id) followed by one locked test cell per
test (`grade_id` = `<exercise>-<test>`). The modules are rebuilt the same way from a notebook
file (`grade check NOTEBOOK.ipynb`, `grade batch`) and from a running kernel (the test cells,
under `nbgrader autograde`), so that both doors grade the same code:

- module M = M's given cell, then, for each exercise of M, the imports, functions and
  classes of the last code cell that defines the exercise (function `square_loss`, class
  `SimpleDense`) before the exercise's first test cell; other statements of that cell
  (calls made to try the code out) are left out;
- no such cell: a placeholder that raises `NotImplementedError` saying so (0 for that
  exercise, the rest graded); a notebook that cannot be read at all: modules that raise.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.course.cells import SETUP_ID, canonical_cells, given_id, grade_cell_id, symbols
from grader.course.config import Course, ExerciseSpec
from grader.errors import UsageError

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
_DEFINITION = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass(frozen=True)
class Conversion:
    """The modules made from one notebook, and what the grader should tell about it."""

    modules: dict[str, str]
    messages: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()  # exercises the notebook has no code for
    readable: bool = True

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        for module, source in self.modules.items():
            (folder / f"{module}.py").write_text(source, encoding="utf-8")
        return folder

    def digest(self, module: str) -> str:
        return hashlib.sha256(self.modules[module].encode("utf-8")).hexdigest()


def unreadable(course: Course, problem: str) -> Conversion:
    """Every module raises `problem` on import: every test scores 0 and says why."""
    body = (
        'class NotebookNotGradable(Exception):\n    """This module could not be made from the notebook."""\n\n\n'
        f"raise NotebookNotGradable({problem!r})\n"
    )
    return Conversion(
        {module: body for module in course.modules}, (problem,), tuple(e.id for e in course.exercises), False
    )


def _placeholder(exercise: ExerciseSpec, message: str) -> str:
    """Both names of the exercise (or each of its `functions`), each raising `message` when used."""
    raising = f"raise NotImplementedError({message!r})"
    if exercise.functions:
        return "\n\n\n".join(f"def {name}(*args, **kwargs):\n    {raising}\n" for name in exercise.functions)
    function, cls = symbols(exercise)
    return (
        f"def {function}(*args, **kwargs):\n    {raising}\n\n\n"
        f"class {cls}:\n    def __init__(self, *args, **kwargs):\n        {raising}\n"
    )


@dataclass(frozen=True)
class _Code:
    """One code cell as the grader sees it: the names it defines and the part it keeps."""

    names: frozenset[str]
    kept: str

    @classmethod
    def parse(cls, source: str) -> _Code:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            # Keep the whole cell: the sandbox then reports the syntax error with its line.
            found = re.findall(r"^(?:async\s+def|def|class)\s+(\w+)", source, flags=re.MULTILINE)
            return cls(frozenset(found), source)
        lines = source.splitlines()
        kept: list[str] = []
        names: set[str] = set()
        for node in tree.body:
            if not isinstance(node, _DEFINITION) or (isinstance(node, ast.ImportFrom) and node.module == "__future__"):
                continue
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            kept.append("\n".join(lines[first - 1 : node.end_lineno]))
        return cls(frozenset(names), "\n\n".join(kept))


def transform_magics(source: str) -> str:
    """IPython's own transformation of a cell (`%time x` becomes a call), as the kernel runs it."""
    if "%" not in source and "!" not in source:
        return source
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:
        return source
    try:
        transformed: str = TransformerManager().transform_cell(source)  # type: ignore[no-untyped-call]
        return transformed
    except Exception:  # noqa: BLE001 - a cell IPython cannot transform is kept as it is.
        return source


def assemble(
    course: Course,
    given: Mapping[str, str | None],
    cells: Sequence[str],
    *,
    limits: Mapping[str, int] | None = None,
    notebook: str = "the notebook",
    messages: Sequence[str] = (),
) -> Conversion:
    """The modules from given code and code cells in execution order (the rule above).

    `limits[exercise_id]` is how many leading cells the exercise may see (those before its
    first test cell); `given[module]` is None when the module's given cell is gone.
    """
    parsed = [_Code.parse(source) for source in cells]
    out_messages, missing, modules = list(messages), [], {}
    for module in course.modules:
        if given.get(module) is None:
            problem = (
                f"{notebook} has no given code of {module}.py: run its read-only cell ({given_id(module)}) first,"
                " or copy the cell back from the released notebook if it was deleted"
            )
            out_messages.append(problem)
            modules[module] = unreadable(course, problem).modules[module]
            missing += [e.id for e in course.exercises if e.module == module]
            continue
        parts, used = [str(given[module])], set[int]()
        for exercise in (e for e in course.exercises if e.module == module):
            visible = parsed[: (limits or {}).get(exercise.id, len(parsed))]
            # The last cell that defines the exercise (its function or its class), or each of its
            # `functions`: an exercise's functions may be written in separate cells.
            groups = [(name,) for name in exercise.functions] if exercise.functions else [symbols(exercise)]
            indexes = [
                next((i for i in reversed(range(len(visible))) if visible[i].names & set(group)), None)
                for group in groups
            ]
            if None in indexes:
                wanted = " and ".join(
                    " or ".join(sorted(group)) for group, index in zip(groups, indexes, strict=True) if index is None
                )
                problem = (
                    f"{notebook} has no code cell that defines {wanted}"
                    f" above the tests of {exercise.id}: run its solution cell ({exercise.id}) first, or copy the"
                    " cell back from the released notebook if it was deleted or renamed"
                )
                out_messages.append(problem)
                missing.append(exercise.id)
                parts.append(_placeholder(exercise, problem))
            else:
                for index in sorted({i for i in indexes if i is not None} - used):
                    used.add(index)
                    parts.append(visible[index].kept)
        modules[module] = "\n\n\n".join(part.strip("\n") for part in parts) + "\n"
    return Conversion(modules, tuple(out_messages), tuple(missing))


# -- notebook files ------------------------------------------------------------------------


def _text(value: Any) -> str:
    return "".join(str(part) for part in value) if isinstance(value, list) else str(value or "")


def checksum(cell: Mapping[str, Any]) -> str:
    """nbgrader's checksum of a cell (`nbgrader.utils.compute_checksum`, same algorithm)."""
    metadata = cell.get("metadata")
    meta = metadata.get("nbgrader", {}) if isinstance(metadata, dict) else {}
    digest = hashlib.md5()
    for part in (
        _text(cell.get("source")),
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
            source = _text(cell.get("source"))
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
            code.append(transform_magics(_text(cell.get("source"))))
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
