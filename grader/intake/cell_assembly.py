"""Cells to the modules of the student contract, by one rule for every door.

A course notebook (made by `grade nbgrader`) holds, for each module, one read-only cell of
given code whose first line is `# Given code of <module>.py ...`, and for each exercise a
solution cell (nbgrader `grade_id` = the exercise id) followed by one locked test cell per
test (`grade_id` = `<exercise>-<test>`). The modules are rebuilt the same way from a notebook
file (`grader.intake.notebook_files`: `grade check NOTEBOOK.ipynb`, `grade batch`) and from a
running kernel (`grader.nbgrader.kernel`: the test cells, under `nbgrader autograde`), so that
both doors grade the same code:

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
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from grader.course.cells import given_id, symbols
from grader.course.config import Course, ExerciseSpec

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
        return source_digest(self.modules[module])


def source_digest(source: str) -> str:
    """The digest of a module's source: what tells two versions of a student's module apart."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


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
