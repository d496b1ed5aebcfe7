"""Helpers of the authoring tests: a copy of the chapter's course, with an exercise scaffolded in it."""

from __future__ import annotations

import shutil
from pathlib import Path

import tomlkit

from grader.authoring.scaffold import scaffold
from grader.course.exercisegen import generate
from tests.conftest import ROOT


def copy_course(destination: Path) -> Path:
    """A copy of the chapter's course (course.toml, solutions, exercises) in `destination`; its course.toml."""
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "course.toml", destination / "course.toml")
    for folder in ("solutions", "exercises"):
        shutil.copytree(ROOT / folder, destination / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return destination / "course.toml"


def scaffolded_course(destination: Path, exercise: str = "scale", functions: tuple[str, ...] = ()) -> Path:
    """A copy of the course with `exercise` scaffolded as `grade new --no-check` does (no grading); its course.toml."""
    course = copy_course(destination)
    scaffold(course, exercise, "scaling", list(functions), None)
    generate(destination / "solutions", destination / "exercises")
    return course


def keep_only(course_path: Path, exercise: str) -> Path:
    """course.toml with `exercise` as its only exercise (and no assignments), for a test that grades it alone."""
    document = tomlkit.parse(course_path.read_text(encoding="utf-8"))
    exercises = document["exercises"]
    for name in [name for name in exercises if name != exercise]:
        del exercises[name]
    document.pop("assignments", None)
    course_path.write_text(tomlkit.dumps(document), encoding="utf-8")
    return course_path
