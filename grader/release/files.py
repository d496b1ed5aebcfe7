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
from grader.installation import SUPPORTED_RANGE
from grader.intake.archive import ARCHIVE_SUFFIX

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
# The extras of the kit's own pyproject.toml (a test keeps them equal): one TensorFlow each, never in the base.
CPU_EXTRA = (
    f"tensorflow-cpu{SUPPORTED_RANGE}; platform_machine == 'x86_64' or platform_machine == 'AMD64'",
    f"tensorflow{SUPPORTED_RANGE}; platform_machine != 'x86_64' and platform_machine != 'AMD64'",
)
GPU_EXTRA = (f"tensorflow[and-cuda]{SUPPORTED_RANGE}",)


def render_pyproject(course: Course) -> str:
    """pyproject.toml of a release: the grader package and its data, TensorFlow, the `grade` command."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", course.id).strip("-") or "course"
    version = course.version if re.fullmatch(r"\d+(\.\d+)*", course.version) else "0"
    return f"""\
# The installable part of this course: the grader and its tests. TensorFlow comes from exactly one place:
# the one already installed (Colab, JupyterHub: `pip install .` keeps it, and its Keras), else an extra:
# `pip install ".[cpu]"` (the CPU build) or `pip install ".[gpu]"` (NVIDIA GPU, Linux); then `grade check`.
# TensorFlow and Keras are not required dependencies, so that pip never installs a second TensorFlow
# beside the one there; `grade` checks before grading and names the command that fixes a conflict.
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "{name}-exercises"
version = "{version}"
description = {json.dumps(f"Exercises and grader for {course.title or course.id}")}
requires-python = ">=3.11"
dependencies = [
    "numpy>=1.26",
    "packaging>=23",
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
cpu = {json.dumps(list(CPU_EXTRA))}
gpu = {json.dumps(list(GPU_EXTRA))}

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
