"""`grade new EXERCISE`: an exercise that grades at once, written where each piece belongs.

It appends a solution region per function to `solutions/<module>.py`, writes the pack
(`packs/<exercise>/`: a probe per function, a suite with a `matches_reference` test per
function on seeded inputs, its hidden variant, and a commented `mutants.toml`), and adds the
exercise and its assignment to course.toml through tomlkit: comments and layout kept, each
table placed among its own kind (never an `[assignments.*]` after the exercises).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import tomlkit
from tomlkit.items import Table

from grader.authoring import templates
from grader.authoring.params import Param, parse_params
from grader.course.assignments import ASSIGNMENT_POINTS
from grader.course.config import load_course
from grader.course.contract import class_name
from grader.errors import ConfigError, UsageError

# Points of the tests `grade new` writes: the public ones share PUBLIC_POINTS, the hidden one has the rest.
PUBLIC_POINTS = 80
HIDDEN_POINTS = ASSIGNMENT_POINTS - PUBLIC_POINTS


@dataclass(frozen=True)
class Scaffold:
    """What `grade new` wrote."""

    exercise: str
    assignment: str
    solution: Path
    pack: Path
    course: Path
    written: tuple[Path, ...]


def test_names(functions: list[str]) -> list[str]:
    """The public test of each function: `matches_reference`, or `<function>_matches_reference` for several."""
    return ["matches_reference"] if len(functions) == 1 else [f"{name}_matches_reference" for name in functions]


def split_points(count: int) -> list[int]:
    """PUBLIC_POINTS shared out over `count` tests, the remainder on the first ones."""
    share, remainder = divmod(PUBLIC_POINTS, count)
    return [share + (index < remainder) for index in range(count)]


def _check_names(course_path: Path, exercise: str, module: str, functions: list[str]) -> None:
    for what, name in [("exercise id", exercise), ("module", module), *(("function", f) for f in functions)]:
        if not name.isidentifier():
            raise UsageError(f"The {what} {name!r} is not a Python name: use letters, digits and underscores.")
    course = load_course(course_path)
    if exercise in {existing.id for existing in course.exercises}:
        raise UsageError(f"{course_path} has an exercise {exercise!r} already: choose another id.")
    pack = (course.packs_dir or course_path.parent / "packs") / exercise
    if pack.exists():
        raise UsageError(f"{pack} exists already: remove it or choose another id.")
    solution = course_path.parent / "solutions" / f"{module}.py"
    text = solution.read_text(encoding="utf-8") if solution.is_file() else ""
    defined = [name for name in functions if f"\ndef {name}(" in f"\n{text}" or f"\nclass {name}" in f"\n{text}"]
    if defined:
        raise UsageError(f"{solution} defines {defined[0]} already: choose another function name.")


def _solution(path: Path, module: str, functions: list[str], params: list[Param]) -> None:
    text = path.read_text(encoding="utf-8") if path.is_file() else templates.SOLUTION_HEADER.format(module=module)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "".join(templates.solution_function(name, params) for name in functions)
    path.write_text(text.rstrip("\n") + "\n" + body, encoding="utf-8")


def _pack(folder: Path, exercise: str, module: str, functions: list[str], params: list[Param]) -> list[Path]:
    tests = test_names(functions)
    files = {
        "probes.py": templates.probes_file(module, functions, params),
        "suite.py": templates.suite_file(exercise, module, functions, tests, params),
        "hidden_suite.py": templates.hidden_file(exercise, functions, params),
        "mutants.toml": templates.mutants_file(exercise, tests[0], params),
    }
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [folder / name for name in files]


def _table(document: tomlkit.TOMLDocument, name: str) -> Table:
    if name not in document:
        document[name] = tomlkit.table(is_super_table=True)
    table = document[name]
    assert isinstance(table, Table)
    return table


def add_to_course_toml(
    course_path: Path, exercise: str, module: str, functions: list[str], assignment: str, seed: int
) -> None:
    """The exercise's table among the exercises, and the assignment's (new, or its `exercises` list extended)."""
    document = tomlkit.parse(course_path.read_text(encoding="utf-8"))
    entry = tomlkit.table()
    entry.add("module", module)
    entry.add("title", f"TODO: the title of {exercise}")
    if functions != [exercise] and functions != [class_name(exercise)]:
        entry.add(tomlkit.comment("The functions the students write (the exercise is not named after one of them)."))
        entry.add("functions", functions)
    entry.add("seeds", [seed + 1, seed + 2, seed + 3])
    entry.add(tomlkit.comment("Hidden tests draw their inputs from these; `grade release` leaves them out."))
    entry.add("hidden_seeds", [seed * 10 + 7, seed * 10 + 9])
    entry.add("rtol", 1e-5)
    entry.add("atol", 1e-6)
    tests = tomlkit.table()
    for name, points in zip(test_names(functions), split_points(len(functions)), strict=True):
        tests.add(name, tomlkit.inline_table().add("points", points))
    tests.add("hidden_matches_reference", tomlkit.inline_table().add("points", HIDDEN_POINTS).add("hidden", True))
    tests.add(tomlkit.nl())
    entry.add("tests", tests)
    assignments = _table(document, "assignments")
    if assignment in assignments:
        existing = assignments[assignment]
        if "points" not in existing:
            raise ConfigError(
                f"[assignments.{assignment}] adds its tests' points to {ASSIGNMENT_POINTS} without `points ="
                f" {ASSIGNMENT_POINTS}`, so {exercise}'s {ASSIGNMENT_POINTS} points would break the sum: add"
                f" `points = {ASSIGNMENT_POINTS}` there (its tests' points become weights), or pass a new --assignment.",
                path=course_path,
                key=f"assignments.{assignment}",
            )
        existing["exercises"].append(exercise)
    else:
        table = tomlkit.table()
        table.add("title", f"TODO: the title of {assignment}")
        table.add("exercises", [exercise])
        table.add(tomlkit.nl())
        assignments[assignment] = table
    _table(document, "exercises")[exercise] = entry
    course_path.write_text(tomlkit.dumps(document), encoding="utf-8")


def scaffold(
    course_path: Path, exercise: str, module: str, functions: list[str], assignment: str | None, params: str = ""
) -> Scaffold:
    """Write the exercise's solution region, pack and course.toml lines; the course loads with it afterwards.
    `params` names the functions' parameters, `x,ceiling:float` (see grader.authoring.params; default `x`)."""
    functions = functions or [exercise]
    parameters = parse_params(params)
    _check_names(course_path, exercise, module, functions)
    course_dir = course_path.parent
    solution = course_dir / "solutions" / f"{module}.py"
    pack = (load_course(course_path).packs_dir or course_dir / "packs") / exercise
    original = course_path.read_text(encoding="utf-8")
    seed = 1000 + 100 * len(load_course(course_path).exercises)
    add_to_course_toml(course_path, exercise, module, functions, assignment or exercise, seed)
    try:
        written = _pack(pack, exercise, module, functions, parameters)
        _solution(solution, module, functions, parameters)
        load_course(course_path)
    except BaseException:
        course_path.write_text(original, encoding="utf-8")  # no half-written course: the author starts again
        raise
    return Scaffold(exercise, assignment or exercise, solution, pack, course_path, (solution, *written, course_path))
