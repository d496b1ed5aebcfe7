"""The text files of a release: course.toml, pyproject.toml and the student README.

`render_course_toml` writes a course as `load_course` reads it back (hidden tests and
hidden seeds included when the course has them: the Gradescope course does, a student
release's course does not, since `Course.without_hidden_tests` removed them).
"""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

from grader.archive import ARCHIVE_SUFFIX
from grader.config import Course

TEMPLATES = Path(__file__).resolve().parent / "templates"


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _key(name: str) -> str:
    return name if _BARE_KEY.fullmatch(name) else json.dumps(name)


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return {"inf": "inf", "-inf": "-inf", "nan": "nan"}.get(repr(value), repr(value))
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    if isinstance(value, (int, str)):
        return json.dumps(value)
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def render_course_toml(course: Course) -> str:
    """course.toml for `course`, as `load_course` reads it back."""
    lines = [
        "# The course specification, written by `grade` from the instructor's course.toml:",
        "# the points of each test, tolerances, seeds and limits. `grade` validates it on load.",
        "",
        "[course]",
        f"id = {_value(course.id)}",
        f"version = {_value(course.version)}",
        f"title = {_value(course.title)}",
        "",
        "[limits]",
        *(f"{name} = {_value(value)}" for name, value in vars(course.limits).items()),
    ]
    for exercise in course.exercises:
        lines += ["", f"[exercises.{_key(exercise.id)}]", f"module = {_value(exercise.module)}", f"title = {_value(exercise.title)}",
                  f"seeds = {_value(exercise.seeds)}"]
        if exercise.hidden_seeds:
            lines.append(f"hidden_seeds = {_value(exercise.hidden_seeds)}")
        lines += [f"rtol = {_value(exercise.rtol)}", f"atol = {_value(exercise.atol)}", "", f"[exercises.{_key(exercise.id)}.tests]"]
        for test in exercise.tests:
            hidden = ", hidden = true" if test.hidden else ""
            lines.append(f"{_key(test.name)} = {{ points = {test.points}{hidden} }}")
    return "\n".join(lines) + "\n"


def render_pyproject(course: Course) -> str:
    """pyproject.toml of a release: the grader package and its data, TensorFlow, the `grade` command."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", course.id).strip("-") or "course"
    version = course.version if re.fullmatch(r"\d+(\.\d+)*", course.version) else "0"
    return f"""\
# The installable part of this course: the grader, its tests and TensorFlow.
# `pip install .` (CPU) or `pip install ".[gpu]"` (NVIDIA GPU, Linux); then `grade check`.
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "{name}-exercises"
version = "{version}"
description = {_value(f"Exercises and grader for {course.title or course.id}")}
requires-python = ">=3.11"
dependencies = [
    "tensorflow>=2.16",
    "keras>=3.0",
    "numpy>=1.26",
    "click>=8.1",
    "pytest>=8.0",
    "jinja2>=3.1",
    "matplotlib>=3.8",
]

[project.optional-dependencies]
gpu = ["tensorflow[and-cuda]>=2.16"]

[project.scripts]
grade = "grader.cli:main"

[tool.setuptools.packages.find]
include = ["grader*"]

[tool.setuptools.package-data]
"*" = ["*.ini", "*.toml", "*.json", "*.md", "*.txt", "*.yml", "*.sh", "*.j2", "run_autograder"]
"""


def render_student_readme(course: Course) -> str:
    """The student README, from grader/templates/student_README.md."""
    rows = [
        f"| `{exercise.id}` | `exercises/{exercise.module}.py` | {exercise.title} | {exercise.max_score} |"
        for exercise in course.exercises
    ]
    rows.append(f"| **total** | | | **{course.max_score}** |")
    template = string.Template((TEMPLATES / "student_README.md").read_text(encoding="utf-8"))
    return template.substitute(
        title=course.title or course.id,
        course_id=course.id,
        course_version=course.version,
        exercise_rows="\n".join(rows),
        archive_suffix=ARCHIVE_SUFFIX,
    )
