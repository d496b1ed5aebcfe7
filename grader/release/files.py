"""The text files of a release: pyproject.toml and the student README.

Its course.toml is written by `grader.course.writer.render_course_toml`, the one writer
of that file (the nbgrader student kit uses it too).
"""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

from grader.course.config import Course
from grader.intake.archive import ARCHIVE_SUFFIX

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


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
description = {json.dumps(f"Exercises and grader for {course.title or course.id}")}
requires-python = ">=3.11"
dependencies = [
    "tensorflow>=2.16",
    "keras>=3.0",
    "numpy>=1.26",
    "click>=8.1",
    "pytest>=8.0",
    "psutil>=5.9",
    "filelock>=3.12",
    "rich>=13.0",
    "tomlkit>=0.12",
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
        first_exercise=course.exercises[0].id,
        archive_suffix=ARCHIVE_SUFFIX,
    )
