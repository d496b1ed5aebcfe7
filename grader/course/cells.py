"""The course as notebook cells: the cell contract, and the reference laid out as cells.

The contract that writers (`grader.nbgrader`) and readers (`grader.intake.cell_assembly`, `grader.intake.notebook_files`,
`grader.nbgrader.kernel`) share: the given-code marker and the `grade_id`s of the cells.
The layout splits each solution module into its given code and one solution cell per
exercise; `canonical_cells` is the released given code, against which intake detects
edited read-only cells.
"""

from __future__ import annotations

import ast
import inspect
import re
from dataclasses import dataclass
from pathlib import Path

from grader.course.config import Course, ExerciseSpec
from grader.course.exercisegen import MarkerError, make_stub
from grader.errors import ConfigError, UsageError

GIVEN_MARKER = "# Given code of {module}.py (read-only): run this cell before the exercises below."
GIVEN_PATTERN = re.compile(r"^# Given code of (\w+)\.py\b")
SETUP_ID = "setup"
_REGION = re.compile(r"^(\s*)#\s*(BEGIN|END)\s+SOLUTION\b:?\s*(.*)$")
_SECTION = re.compile(r"^(Args|Arguments|Returns|Raises|Yields|Example|Examples|Note|Notes):\s*$")
_ARGUMENT = re.compile(r"^(\*{0,2}\w+)(\s*\([^)]*\))?:\s*(.*)$")


def given_id(module: str) -> str:
    return f"{module}-given"


def grade_cell_id(exercise_id: str, test_name: str) -> str:
    return f"{exercise_id}-{test_name}"


def symbols(exercise: ExerciseSpec) -> tuple[str, ...]:
    """The names that define an exercise: those course.toml lists in its `functions`, else its function
    (`square_loss`) or its class (`SimpleDense`), named after the exercise."""
    if exercise.functions:
        return exercise.functions
    return exercise.id, "".join(part.capitalize() for part in exercise.id.split("_"))


def docstring_markdown(doc: str) -> str:
    """A Google-style docstring as markdown: sections in bold, arguments as a list."""
    out: list[str] = []
    section, fenced = "", False
    for raw in inspect.cleandoc(doc).splitlines():
        line = raw.strip()
        if line.startswith("```"):
            fenced = not fenced
        if fenced or line.startswith("```"):
            out.append(raw[4:] if section and raw.startswith("    ") else raw)
        elif _SECTION.match(line) and not raw.startswith(" "):
            section = line[:-1]
            out += [""] * bool(out and out[-1]) + [f"**{line}**"]
        elif section and raw.startswith("        ") and out:
            out[-1] += " " + line
        elif section in ("Args", "Arguments", "Raises") and raw.startswith("    ") and _ARGUMENT.match(line):
            name, kind, text = _ARGUMENT.match(line).groups()  # type: ignore[union-attr]
            out.append(f"- `{name}`{kind or ''}: {text}")
        elif section and raw.startswith("    "):
            out.append(line)
        else:
            section = "" if not line else section
            out.append(raw)
    return "\n".join(out).strip()


@dataclass(frozen=True)
class ExerciseCode:
    """One exercise in the notebook: its markdown and its solution cell."""

    exercise: ExerciseSpec
    markdown: str
    solution: str


@dataclass(frozen=True)
class ModuleLayout:
    """One module as a part of the notebook."""

    module: str
    intro: str
    given: str
    exercises: tuple[ExerciseCode, ...]


def _nbgrader_markers(text: str) -> str:
    lines = []
    for line in text.splitlines():
        match = _REGION.match(line)
        if match is None:
            lines.append(line)
        elif match.group(2) == "BEGIN":
            lines += [f"{match.group(1)}# Task: {match.group(3)}"] * bool(match.group(3)) + [
                f"{match.group(1)}### BEGIN SOLUTION"
            ]
        else:
            lines.append(f"{match.group(1)}### END SOLUTION")
    return "\n".join(lines)


def _exercise_markdown(
    node: ast.FunctionDef | ast.ClassDef, exercise: ExerciseSpec, number: int, lines: list[str]
) -> str:
    parts = [f"### Exercise {number}: {exercise.title} ({exercise.max_score} points)"]
    if isinstance(node, ast.ClassDef):
        parts += [f"Complete the class `{node.name}`.", docstring_markdown(ast.get_docstring(node) or "")]
        for method in (n for n in node.body if isinstance(n, ast.FunctionDef)):
            if any(_REGION.match(line) for line in lines[method.lineno - 1 : method.end_lineno]):
                parts += [
                    f"#### `{method.name}({ast.unparse(method.args)})`",
                    docstring_markdown(ast.get_docstring(method) or ""),
                ]
    else:
        parts += _function_markdown(node)
    return "\n\n".join(part for part in parts if part)


def _function_markdown(node: ast.FunctionDef) -> list[str]:
    return [f"`{node.name}({ast.unparse(node.args)})`", docstring_markdown(ast.get_docstring(node) or "")]


def module_layout(course: Course, module: str, path: Path, first_number: int = 1) -> ModuleLayout:
    """Split a solution module into its part of the notebook; `ConfigError` when it cannot be."""
    source = path.read_text(encoding="utf-8")
    try:
        make_stub(source, path)  # The same marker rules as `grade generate`.
    except MarkerError as error:
        raise ConfigError(str(error), path=path) from error
    tree = ast.parse(source)
    lines = source.splitlines()
    doc = ast.get_docstring(tree) or f"The module {module}.py."
    body = tree.body[1:] if ast.get_docstring(tree) is not None else tree.body
    previous = tree.body[0].end_lineno if body is not tree.body else 0
    exercises = [e for e in course.exercises if e.module == module]
    given: list[str] = []  # Each with the blank lines that separate it from the one before.
    found: dict[str, ExerciseCode] = {}
    for node in body:
        end = node.end_lineno or 0
        while end < len(lines) and (not lines[end].strip() or lines[end][:1].isspace()):
            end += 1  # Indented comments after the last statement (# END SOLUTION) belong to it.
        text = "\n".join(lines[previous:end]).strip("\n")
        previous = end
        exercise = next((e for e in exercises if getattr(node, "name", None) in symbols(e)), None)
        if exercise is None:
            if any(_REGION.match(line) for line in text.splitlines()):
                name = getattr(node, "name", None)
                where = f"{name}, which no exercise of {module}.py names" if name else "code outside any function"
                fix = (
                    f'add `functions = ["{name}"]` to [exercises.{exercises[0].id}] in course.toml (the functions the'
                    " students write, when the exercise is not named after one of them)"
                    if name and exercises
                    else "move the region into the function or class of an exercise"
                )
                raise ConfigError(
                    f"a solution region outside the function or class of an exercise"
                    f" ({', '.join(e.id for e in exercises) or 'none'}), at line {node.lineno} in {where}: {fix}.",
                    path=path,
                )
            separator = (
                "\n"
                if given
                and isinstance(node, (ast.Import, ast.ImportFrom))
                and given[-1].lstrip().startswith(("import", "from"))
                else "\n\n\n"
            )
            given.append((separator if given else "") + text)
            continue
        assert isinstance(node, (ast.FunctionDef, ast.ClassDef))
        earlier = found.get(exercise.id)
        if earlier is not None and isinstance(node, ast.FunctionDef):
            # An exercise of several functions (its `functions` in course.toml): one solution cell for them all.
            markdown = "\n\n".join([earlier.markdown, *(part for part in _function_markdown(node) if part)])
            found[exercise.id] = ExerciseCode(exercise, markdown, f"{earlier.solution}\n\n\n{_nbgrader_markers(text)}")
            continue
        markdown = _exercise_markdown(node, exercise, first_number + exercises.index(exercise), lines)
        found[exercise.id] = ExerciseCode(exercise, markdown, _nbgrader_markers(text))
    absent = [e.id for e in exercises if e.id not in found]
    if absent:
        raise ConfigError(
            f"no function or class defines {', '.join(absent)} (looked for {', '.join(n for e in exercises if e.id in absent for n in symbols(e))}).",
            path=path,
        )
    heading, _, rest = docstring_markdown(doc).partition("\n")
    intro = f"## {heading.rstrip('.')}\n\n{rest.strip()}\n\nThis part is the module `{module}.py` of the exercises."
    given_source = GIVEN_MARKER.format(module=module) + "\n" + "".join(given)
    return ModuleLayout(module, intro, given_source.rstrip(), tuple(found[e.id] for e in exercises))


def layouts(course: Course, solutions_dir: Path) -> list[ModuleLayout]:
    result: list[ModuleLayout] = []
    for module in course.modules:
        path = solutions_dir / f"{module}.py"
        if not path.is_file():
            raise UsageError(f"{path} is missing: the notebook is made from the reference solutions.")
        result.append(module_layout(course, module, path, sum(len(layout.exercises) for layout in result) + 1))
    return result


def canonical_cells(course: Course, solutions_dir: Path) -> dict[str, str]:
    """The released source of each read-only cell of given code, by grade_id."""
    return {given_id(layout.module): layout.given for layout in layouts(course, solutions_dir)}
