"""Tests for grader/nbgrader/course.py: the source notebook, the config and course.toml, without running nbgrader."""

from __future__ import annotations

import copy
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbgrader.nbgraderformat import MetadataValidator
from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions
from traitlets.config import Config

from grader.course.cells import GIVEN_MARKER, docstring_markdown
from grader.course.config import Course, load_course
from grader.course.writer import render_course_toml
from grader.errors import ConfigError, UsageError
from grader.nbgrader.course import build_course_dir
from grader.nbgrader.source_notebook import build_notebook
from tests.conftest import ROOT, SOLUTIONS


@pytest.fixture(scope="module")
def notebook(course: Course) -> dict[str, Any]:
    return build_notebook(course, SOLUTIONS, "keras_intro.ipynb")


def nbgrader_cells(notebook: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {cell["metadata"]["nbgrader"]["grade_id"]: cell for cell in notebook["cells"]}


def test_notebook_is_valid_nbformat_4_with_valid_nbgrader_metadata(notebook: dict[str, Any]) -> None:
    """nbformat validates the notebook and nbgrader's own validator accepts every cell's metadata."""
    node = nbformat.from_dict(copy.deepcopy(notebook))
    nbformat.validate(node)
    MetadataValidator().validate_nb(node)
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"


def test_one_locked_test_cell_per_course_test_with_its_points(notebook: dict[str, Any], course: Course) -> None:
    """Each course.toml test is one locked grade cell worth its points (the course's in all); hidden ones between markers."""
    graded = {
        grade_id: cell for grade_id, cell in nbgrader_cells(notebook).items() if cell["metadata"]["nbgrader"]["grade"]
    }
    expected = {f"{e.id}-{t.name}": t for e in course.exercises for t in e.tests}
    assert set(graded) == set(expected)
    for grade_id, cell in graded.items():
        meta, test = cell["metadata"]["nbgrader"], expected[grade_id]
        assert meta["locked"] and meta["points"] == test.points
        assert ("### BEGIN HIDDEN TESTS" in cell["source"]) == test.hidden
        assert f'check("{grade_id.split("-")[0]}", "{test.name}")' in cell["source"]
    assert sum(cell["metadata"]["nbgrader"]["points"] for cell in graded.values()) == course.max_score


def test_release_keeps_the_task_and_hides_solutions_and_hidden_tests(notebook: dict[str, Any], course: Course) -> None:
    """After nbgrader's ClearSolutions and ClearHiddenTests, no reference code and no hidden call remain."""
    node = nbformat.from_dict(copy.deepcopy(notebook))
    node, resources = ClearSolutions().preprocess(node, {})
    node, _ = ClearHiddenTests().preprocess(node, resources)
    cells = nbgrader_cells(node)
    assert "tf.reduce_mean" not in cells["square_loss"]["source"]
    assert (
        "# Task: " in cells["square_loss"]["source"] and "raise NotImplementedError()" in cells["square_loss"]["source"]
    )
    assert "check(" not in cells["square_loss-matches_reference_on_hidden_inputs"]["source"]
    text = str(node)
    assert not [seed for e in course.exercises for seed in e.hidden_seeds if str(seed) in text]


def test_solution_cells_hold_the_reference_between_nbgrader_markers(notebook: dict[str, Any], course: Course) -> None:
    """Each exercise's solution cell is its function or class, fenced by ### BEGIN/END SOLUTION; nowhere else."""
    cells = nbgrader_cells(notebook)
    for exercise in course.exercises:
        source = cells[exercise.id]["source"]
        assert cells[exercise.id]["metadata"]["nbgrader"]["solution"]
        assert source.count("### BEGIN SOLUTION") == source.count("### END SOLUTION") >= 1
        assert "# BEGIN SOLUTION:" not in source
    others = [c["source"] for grade_id, c in cells.items() if grade_id not in {e.id for e in course.exercises}]
    assert not any("BEGIN SOLUTION" in text for text in others)
    assert cells["linear_classifier-given"]["source"].startswith(GIVEN_MARKER.format(module="linear_classifier"))
    assert "def model(inputs, W, b):" in cells["linear_classifier-given"]["source"]


def test_markdown_teaches_each_exercise_from_its_docstring(notebook: dict[str, Any], course: Course) -> None:
    """Each exercise has a markdown cell: title, points, signature and the docstring as markdown."""
    cells = nbgrader_cells(notebook)
    task = cells["split_validation-task"]["source"]
    assert task.startswith("### Exercise 5: Holding out validation data with one shared shuffle (15 points)")
    assert "`split_validation(inputs, targets, validation_fraction=0.3, seed=None)`" in task
    assert (
        "- `seed`: An int (a Python int, 0 included, or a NumPy integer such as `np.int64`) that makes the shuffle reproducible"
        in task
    )
    assert "#### `build(self, input_shape)`" in cells["simple_dense-task"]["source"]
    assert cells["gradients-intro"]["source"].startswith("## Second derivatives with nested gradient tapes")
    assert docstring_markdown(
        "Do it.\n\n    Args:\n        x: One.\n            More.\n    Returns:\n        Two."
    ) == ("Do it.\n\n**Args:**\n- `x`: One. More.\n\n**Returns:**\nTwo.")


def test_course_toml_round_trip(course: Course, tmp_path: Path) -> None:
    """render_course_toml writes a course.toml that loads back equal, with or without hidden tests."""
    for variant in (course, course.without_hidden_tests()):
        path = tmp_path / "course.toml"
        path.write_text(render_course_toml(variant))
        again = load_course(path)
        assert (again.id, again.version, again.title, again.limits, again.exercises) == (
            variant.id,
            variant.version,
            variant.title,
            variant.limits,
            variant.exercises,
        )


def test_course_dir_config_sets_course_timeout_kernel_and_grader(
    course: Course, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """nbgrader_config.py names the course, allows 300 s per cell, and points the test cells at course.toml."""
    for name in ("GRADER_NBGRADER_COURSE", "TF_CPP_MIN_LOG_LEVEL", "JUPYTER_PREFER_ENV_PATH"):
        monkeypatch.setenv(name, "unset")  # Restored after the test: the config sets them.
    monkeypatch.setenv("PATH", os.environ["PATH"])
    built = build_course_dir(course=course, solutions_dir=SOLUTIONS, course_dir=tmp_path, kit=False)
    assert built.notebook == tmp_path / "source" / "keras-intro" / "keras_intro.ipynb" and built.notebook.is_file()
    assert (tmp_path / "course.toml").read_text() == (ROOT / "course.toml").read_text()
    assert sorted(p.name for p in (tmp_path / "solutions").iterdir()) == sorted(f"{m}.py" for m in course.modules)
    config = Config()
    path = tmp_path / "nbgrader_config.py"
    exec(compile(path.read_text(), str(path), "exec"), {"get_config": lambda: config, "__file__": str(path)})
    assert config.CourseDirectory.course_id == "keras-intro"
    assert config.Execute.timeout == config.ExecutePreprocessor.timeout == 300
    assert config.OverwriteCells.add_missing_cells is True
    assert os.environ["PATH"].startswith(str(Path(sys.executable).parent) + os.pathsep)
    assert os.environ["GRADER_NBGRADER_COURSE"] == str(tmp_path.resolve() / "course.toml")
    assert os.environ["JUPYTER_PREFER_ENV_PATH"] == "unset"  # setdefault: a user's choice wins.


def test_existing_course_dir_needs_force(course: Course, tmp_path: Path) -> None:
    """A second build stops with a usage error naming --force; with force it rebuilds."""
    build_course_dir(course=course, solutions_dir=SOLUTIONS, course_dir=tmp_path, kit=False)
    with pytest.raises(UsageError, match="Pass --force"):
        build_course_dir(course=course, solutions_dir=SOLUTIONS, course_dir=tmp_path, kit=False)
    build_course_dir(course=course, solutions_dir=SOLUTIONS, course_dir=tmp_path, kit=False, force=True)
    with pytest.raises(UsageError, match="--nbgrader-name"):
        build_course_dir(course=course, solutions_dir=SOLUTIONS, course_dir=tmp_path, name="a b", kit=False)
    with pytest.raises(UsageError, match="no assignment 'week3'"):  # --assignment is a course assignment, never a name
        build_course_dir(course=course, solutions_dir=SOLUTIONS, course_dir=tmp_path, assignment="week3", kit=False)


def test_solution_region_outside_an_exercise_is_a_config_error(course: Course, tmp_path: Path) -> None:
    """A graded region in given code cannot become a solution cell: a ConfigError names the module."""
    solutions = tmp_path / "solutions"
    shutil.copytree(SOLUTIONS, solutions, ignore=shutil.ignore_patterns("__pycache__"))
    path = solutions / "linear_classifier.py"
    path.write_text(
        path.read_text().replace(
            "    return tf.matmul(inputs, W) + b\n",
            "    # BEGIN SOLUTION\n    return tf.matmul(inputs, W) + b\n    # END SOLUTION\n",
            1,
        )
    )
    with pytest.raises(ConfigError, match="linear_classifier.py: a solution region outside the function or class"):
        build_notebook(course, solutions, "x.ipynb")


def test_assignment_of_course_toml_keeps_its_exercises_only(course: Course, tmp_path: Path) -> None:
    """`--assignment NAME` naming an [assignments.NAME] builds a notebook of that assignment's exercises only."""
    assignment = course.assignments[-1]
    built = build_course_dir(
        course=course, solutions_dir=SOLUTIONS, course_dir=tmp_path, assignment=assignment.name, kit=False
    )
    assert built.assignment == assignment.name
    assert built.notebook.name == f"{assignment.name}.ipynb"  # named after the assignment, not the course
    cells = nbformat.read(built.notebook, as_version=4).cells
    graded = {cell.metadata["nbgrader"]["grade_id"] for cell in cells if cell.metadata.get("nbgrader", {}).get("grade")}
    expected = {
        f"{exercise.id}-{test.name}"
        for exercise in course.exercises
        if exercise.id in assignment.exercises
        for test in exercise.tests
    }
    assert graded == expected
