"""The names the students write, as course.toml and the pack's probes say: checked when a course loads.

An exercise is graded through the functions or classes its probes call in the student's
module (`call_student(context, "name", ...)`, `student_function(context, "name")`). When none
of them is named after the exercise (`square_loss`, `SimpleDense`), course.toml must list them
in `functions = [...]`: the notebook of `grade nbgrader` and `grade lint` look for each by that
name. Read from the text of probes.py (`ast`), never imported.
"""

from __future__ import annotations

import ast
from pathlib import Path

from grader.errors import ConfigError

# The gradechild.api functions whose second argument names what the student writes.
STUDENT_CALLS = ("call_student", "student_function")


def class_name(exercise_id: str) -> str:
    """The class an exercise is named after: simple_dense -> SimpleDense."""
    return "".join(part.capitalize() for part in exercise_id.split("_"))


def own_names(exercise_id: str) -> tuple[str, str]:
    """The function and the class an exercise without `functions = [...]` is named after."""
    return exercise_id, class_name(exercise_id)


def student_names(probes: Path) -> list[tuple[str, int]]:
    """(name, line) of each student function or class the probes call by a literal name, in order, once each."""
    try:
        tree = ast.parse(probes.read_text(encoding="utf-8"), filename=str(probes))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return []  # the pack's loader reports these
    found: dict[str, int] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or len(node.args) < 2:
            continue
        callee = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        name = node.args[1]
        if callee in STUDENT_CALLS and isinstance(name, ast.Constant) and isinstance(name.value, str):
            found.setdefault(name.value, node.lineno)
    return sorted(found.items(), key=lambda item: item[1])


def check_functions(exercise_id: str, functions: tuple[str, ...], probes: Path, course_path: Path) -> None:
    """Refuse an exercise whose probes call only names it is not named after, without `functions = [...]`."""
    if functions:
        return
    called = student_names(probes)
    if not called or any(name in own_names(exercise_id) for name, _ in called):
        return
    names = ", ".join(f'"{name}"' for name, _ in called)
    raise ConfigError(
        f"the probes of {exercise_id} call {names} in the student's module ({probes}, line {called[0][1]}), and no"
        f" function or class named {exercise_id} or {class_name(exercise_id)}: add `functions = [{names}]` to"
        f" [exercises.{exercise_id}] (the names the students write), or rename the exercise after its function.",
        path=course_path,
        key=f"exercises.{exercise_id}.functions",
    )
