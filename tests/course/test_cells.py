"""Tests for grader/course/cells.py and config.py's `functions`: an exercise of several functions in the notebook."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.course.cells import layouts, module_layout, symbols
from grader.course.config import Course, load_course
from grader.errors import ConfigError
from grader.intake.cell_assembly import assemble
from tests.conftest import ROOT, SOLUTIONS

COURSE = (ROOT / "course.toml").read_text()


def test_functions_name_the_exercise_and_default_to_its_id(course: Course) -> None:
    """symbols is course.toml's `functions` when given, else the exercise id and its CamelCase."""
    assert symbols(course.exercise("keras_model")) == ("build_model", "train_and_evaluate")
    assert symbols(course.exercise("simple_dense")) == ("simple_dense", "SimpleDense")


def test_functions_must_be_python_names(tmp_path: Path) -> None:
    """A `functions` entry that is not a Python name is a configuration error naming the key and the value."""
    path = tmp_path / "course.toml"
    path.write_text(COURSE.replace('functions = ["build_model", "train_and_evaluate"]', 'functions = ["build model"]'))
    with pytest.raises(ConfigError) as caught:
        load_course(path)
    assert "exercises.keras_model.functions" in caught.value.message
    assert "'build model'" in caught.value.message


def test_exercise_of_two_functions_is_one_solution_cell(course: Course) -> None:
    """Both functions of keras_model are in its one solution cell, under one heading, in the module's order."""
    layout = module_layout(course, "keras_models", SOLUTIONS / "keras_models.py")
    (code,) = layout.exercises
    assert code.solution.index("def build_model(") < code.solution.index("def train_and_evaluate(")
    assert code.solution.count("### BEGIN SOLUTION") == 2
    assert code.markdown.count("### Exercise") == 1
    assert "`build_model()`" in code.markdown and "`train_and_evaluate(" in code.markdown


def test_cells_defining_the_functions_separately_are_both_kept(course: Course) -> None:
    """A student who split an exercise's functions into two cells gets both into the module."""
    layout = module_layout(course, "keras_models", SOLUTIONS / "keras_models.py")
    first, _, second = layout.exercises[0].solution.partition("\n\n\ndef train_and_evaluate")
    cells = [first, "def train_and_evaluate" + second]
    conversion = assemble(course, {item.module: item.given for item in layouts(course, SOLUTIONS)}, cells)
    assert "keras_model" not in conversion.missing
    module = conversion.modules["keras_models"]
    assert "def build_model(" in module and "def train_and_evaluate(" in module
