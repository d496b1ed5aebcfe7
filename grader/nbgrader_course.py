"""`grade nbgrader COURSE_DIR`: the course as an nbgrader course directory.

One assignment (the chapter) with one notebook, made from `solutions/` and `course.toml`:
per module, a markdown part from its docstring and a read-only cell of given code; per
exercise, a markdown cell from its docstring, a solution cell holding the reference between
`### BEGIN SOLUTION` / `### END SOLUTION`, and one locked test cell per test of course.toml
(its points; hidden tests between `### BEGIN HIDDEN TESTS` / `### END HIDDEN TESTS`). The
test cells call `grader.nbgrader_kernel.check`, the course's own grader.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Any

from grader.config import Course, ExerciseSpec, load_course
from grader.errors import ConfigError, UsageError
from grader.exercisegen import MarkerError, make_stub
from grader.notebook import GIVEN_MARKER, SETUP_ID, given_id, symbols, test_id

TEMPLATES = Path(__file__).parent / "templates"
TIMEOUT_S = 300
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
_REGION = re.compile(r"^(\s*)#\s*(BEGIN|END)\s+SOLUTION\b:?\s*(.*)$")
_SECTION = re.compile(r"^(Args|Arguments|Returns|Raises|Yields|Example|Examples|Note|Notes):\s*$")
_ARGUMENT = re.compile(r"^(\*{0,2}\w+)(\s*\([^)]*\))?:\s*(.*)$")

SETUP_SOURCE = """\
# Setup (read-only): run this cell first. It keeps TensorFlow's logs quiet; the test cells
# below grade your code with the course's grader (the `grade` kit, installed in this kernel).
import os

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"
import grader.nbgrader_kernel  # noqa: E402,F401"""

CONFIG = '''\
"""nbgrader configuration of the course $course_id, written by `grade nbgrader`.

Run the nbgrader commands from this folder. course.toml and solutions/ here are the
instructor's copies: the test cells grade against them in autograde and validate.
"""

import os
from pathlib import Path

here = Path(__file__).resolve().parent
c = get_config()  # noqa: F821 - nbgrader provides it

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
            lines += [f"{match.group(1)}# Task: {match.group(3)}"] * bool(match.group(3)) + [f"{match.group(1)}### BEGIN SOLUTION"]
        else:
            lines.append(f"{match.group(1)}### END SOLUTION")
    return "\n".join(lines)


def _exercise_markdown(node: ast.FunctionDef | ast.ClassDef, exercise: ExerciseSpec, number: int, lines: list[str]) -> str:
    parts = [f"### Exercise {number}: {exercise.title} ({exercise.max_score} points)"]
    if isinstance(node, ast.ClassDef):
        parts += [f"Complete the class `{node.name}`.", docstring_markdown(ast.get_docstring(node) or "")]
        for method in (n for n in node.body if isinstance(n, ast.FunctionDef)):
            if any(_REGION.match(line) for line in lines[method.lineno - 1 : method.end_lineno]):
                parts += [f"#### `{method.name}({ast.unparse(method.args)})`", docstring_markdown(ast.get_docstring(method) or "")]
    else:
        parts += [f"`{node.name}({ast.unparse(node.args)})`", docstring_markdown(ast.get_docstring(node) or "")]
    return "\n\n".join(part for part in parts if part)


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
        exercise = next((e for e in exercises if getattr(node, "name", None) in symbols(e.id)), None)
        if exercise is None:
            if any(_REGION.match(line) for line in text.splitlines()):
                raise ConfigError(f"a solution region outside the function or class of an exercise ({', '.join(e.id for e in exercises)}).", path=path)
            separator = "\n" if given and isinstance(node, (ast.Import, ast.ImportFrom)) and given[-1].lstrip().startswith(("import", "from")) else "\n\n\n"
            given.append((separator if given else "") + text)
            continue
        assert isinstance(node, (ast.FunctionDef, ast.ClassDef))
        markdown = _exercise_markdown(node, exercise, first_number + exercises.index(exercise), lines)
        found[exercise.id] = ExerciseCode(exercise, markdown, _nbgrader_markers(text))
    absent = [e.id for e in exercises if e.id not in found]
    if absent:
        raise ConfigError(f"no function or class defines {', '.join(absent)} (looked for {', '.join(n for e in absent for n in symbols(e))}).", path=path)
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


def _cell(kind: str, source: str, grade_id: str, **flags: Any) -> dict[str, Any]:
    meta = {"grade": False, "grade_id": grade_id, "locked": False, "schema_version": 3, "solution": False, "task": False}
    meta.update(flags)
    cell: dict[str, Any] = {"cell_type": kind, "id": re.sub(r"[^A-Za-z0-9_-]", "-", grade_id)[:64],
                            "metadata": {"nbgrader": meta}, "source": source}  # fmt: skip
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def _test_source(exercise: ExerciseSpec, test_name: str) -> str:
    test = exercise.test(test_name)
    call = f'from grader.nbgrader_kernel import check\n\ncheck("{exercise.id}", "{test.name}")'
    what = test.name.replace("_", " ")
    if test.hidden:
        return (f"# Hidden test ({test.points} points): {exercise.id} {what}. It runs when your instructor grades.\n"
                f"### BEGIN HIDDEN TESTS\n{call}\n### END HIDDEN TESTS")  # fmt: skip
    return f"# Test ({test.points} points): {exercise.id} {what}.\n{call}"


def build_notebook(course: Course, solutions_dir: Path, notebook_name: str) -> dict[str, Any]:
    """The source notebook of the assignment, as nbformat 4 JSON."""
    intro = Template((TEMPLATES / "nbgrader_intro.md").read_text(encoding="utf-8")).substitute(
        title=course.title or course.id, course_id=course.id, version=course.version, points=course.max_score, notebook=notebook_name
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
                cells.append(_cell("code", _test_source(exercise, test.name), test_id(exercise.id, test.name),
                                   grade=True, locked=True, points=test.points))  # fmt: skip
    metadata = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    return {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}


def course_toml(course: Course) -> str:
    """`course` written back as course.toml text (`load_course` reads it back equal)."""
    def value(item: Any) -> str:
        return json.dumps(item) if not isinstance(item, float) else repr(item)

    lines = ["[course]", *(f"{k} = {value(v)}" for k, v in (("id", course.id), ("version", course.version), ("title", course.title)))]
    lines += ["", "[limits]", *(f"{k} = {value(v)}" for k, v in vars(course.limits).items())]
    for exercise in course.exercises:
        lines += ["", f"[exercises.{exercise.id}]", f"module = {value(exercise.module)}", f"title = {value(exercise.title)}",
                  f"seeds = {value(list(exercise.seeds))}", f"rtol = {value(exercise.rtol)}", f"atol = {value(exercise.atol)}"]  # fmt: skip
        if exercise.hidden_seeds:
            lines.append(f"hidden_seeds = {value(list(exercise.hidden_seeds))}")
        lines += ["", f"[exercises.{exercise.id}.tests]"]
        lines += [f"{t.name} = {{ points = {t.points}{', hidden = true' if t.hidden else ''} }}" for t in exercise.tests]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class CourseDir:
    """What `build_course_dir` wrote."""

    root: Path
    assignment: str
    notebook: Path
    written: tuple[Path, ...]


def notebook_name(course: Course) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", course.id) + ".ipynb"


def students_kit(course: Course, solutions_dir: Path, folder: Path) -> list[Path]:
    """course.toml without hidden tests, and the expected values of its public tests, for students."""
    from grader.check import EXPECTED_STORE
    from grader.runner import grade
    from grader.session import Reference

    (folder / EXPECTED_STORE).parent.mkdir(parents=True, exist_ok=True)
    (folder / "course.toml").write_text(course_toml(course.without_hidden_tests()), encoding="utf-8")
    students = load_course(folder / "course.toml")
    reference = Reference(students, solutions_dir)
    try:
        result = grade(course=students, submission_dir=solutions_dir, reference=reference)
        if result.score != result.max_score or result.internal_errors:
            failed = [f"{e.id}::{t.name}: {t.message}" for e, t in result.tests if t.score != t.max_score]
            raise ConfigError(f"the reference solutions do not pass their own tests: {'; '.join(failed)}", path=course.path)
        reference.save_store(folder / EXPECTED_STORE)
    finally:
        reference.close()
    return [folder / "course.toml", folder / EXPECTED_STORE]


def build_course_dir(
    *,
    course: Course,
    solutions_dir: Path | None,
    course_dir: Path,
    assignment: str | None = None,
    timeout_s: int = TIMEOUT_S,
    force: bool = False,
    kit: bool = True,
) -> CourseDir:
    """Write (or refresh, with `force`) the nbgrader course directory of `course`.

    `kit`: also ship the students' course.toml and expected values beside the notebook (one
    grading of the reference solutions), so that test cells and `grade check` work for them.
    """
    assignment = assignment or course.id
    solutions_dir = solutions_dir or course.path.parent / "solutions"
    if not solutions_dir.is_dir():
        raise UsageError(f"{solutions_dir} is not a folder: the notebook is made from the reference solutions (--solutions DIR).")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", assignment):
        raise UsageError(f"--assignment {assignment!r}: use letters, digits, '-', '_' and '.' (nbgrader makes folders of it).")
    name = notebook_name(course)
    source = course_dir / "source" / assignment
    notebook = source / name
    if notebook.exists() and not force:
        raise UsageError(f"{notebook} exists. Pass --force to rebuild it (then: nbgrader generate_assignment {assignment} --force).")
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
        written += students_kit(course, solutions_dir, source)
    return CourseDir(course_dir, assignment, notebook, tuple(written))


def render(built: CourseDir) -> str:
    """What was written, and the nbgrader commands that come next, in order."""
    lines = [f"Wrote the nbgrader course in {built.root}:"] + [f"  {path.relative_to(built.root)}" for path in built.written]
    lines += [
        "Next, from that folder:",
        f"  nbgrader generate_assignment {built.assignment}      # release/{built.assignment}/: no solutions, no hidden tests",
        f"  nbgrader release_assignment {built.assignment}       # (JupyterHub) students fetch it",
        f"  nbgrader collect {built.assignment}                  # (JupyterHub) into submitted/<student>/{built.assignment}/",
        f"  nbgrader autograde {built.assignment}                # scores into gradebook.db",
        f"  nbgrader generate_feedback {built.assignment}        # feedback/<student>/{built.assignment}/*.html",
        f"  grade batch submitted --gradebook grades.db          # the same grading, outside the notebooks' kernels",
    ]
    return "\n".join(lines) + "\n"
