"""Tests for grader/course/config.py: course.toml is validated with messages that say how to fix it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from grader.course.config import load_course
from grader.errors import ConfigError
from tests.conftest import ROOT, run_grade

COURSE = (ROOT / "course.toml").read_text()


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "course.toml"
    path.write_text(text)
    return path


def test_bundled_course_loads_with_100_points() -> None:
    """The bundled course.toml loads: the five exercises of the contract (100 points) first, then the chapter's."""
    course = load_course(ROOT / "course.toml")
    ids = [e.id for e in course.exercises]
    assert ids[:5] == [
        "square_loss",
        "training_step",
        "simple_dense",
        "acceleration",
        "split_validation",
    ]
    assert sum(e.max_score for e in course.exercises[:5]) == 100
    assert course.modules[:4] == ("linear_classifier", "simple_dense", "gradients", "validation")
    # The chapter's exercises (issue 12), each in a module of its own.
    chapter = {
        "tensors_and_variables": "tensors",
        "first_derivative": "derivatives",
        "perceptron": "perceptron",
        "keras_model": "keras_models",
        "sequential_add_pop": "sequential",
        "layer_shapes": "layer_shapes",
    }
    assert {e.id: e.module for e in course.exercises if e.id in chapter} == chapter
    assert set(chapter.values()) <= set(course.modules)


def test_functions_must_be_python_names(tmp_path: Path) -> None:
    """An exercise's `functions` is a list of Python names; anything else is refused with the value received."""
    path = write(
        tmp_path,
        COURSE.replace('functions = ["dense_forward", "collapse_linear_layers"]', 'functions = ["dense forward"]'),
    )
    with pytest.raises(ConfigError) as caught:
        load_course(path)
    assert caught.value.key == "exercises.perceptron.functions"
    assert "['dense forward']" in caught.value.message
    course = load_course(ROOT / "course.toml")
    assert course.exercise("perceptron").functions == ("dense_forward", "collapse_linear_layers")
    assert course.exercise("square_loss").functions == ()


def test_unknown_key_names_it_and_the_closest_valid_key(tmp_path: Path) -> None:
    """A misspelt key is refused with its value and the closest valid key."""
    path = write(tmp_path, COURSE.replace("rtol = 1e-5\natol = 1e-6", "rtoll = 1e-5\natol = 1e-6", 1))
    with pytest.raises(ConfigError) as caught:
        load_course(path)
    assert "exercises.square_loss.rtoll" in caught.value.message
    assert "1e-05" in caught.value.message
    assert "Did you mean 'rtol'?" in caught.value.message


def test_wrong_type_names_key_and_value(tmp_path: Path) -> None:
    """A value of the wrong type is refused with the key, the type and the value received."""
    path = write(
        tmp_path,
        COURSE.replace(
            "returns_scalar_float32_tensor = { points = 3 }", 'returns_scalar_float32_tensor = { points = "three" }'
        ),
    )
    with pytest.raises(ConfigError) as caught:
        load_course(path)
    assert "exercises.square_loss.tests.returns_scalar_float32_tensor.points" in caught.value.message
    assert "must be int, received str 'three'" in caught.value.message


def test_boolean_is_not_a_number(tmp_path: Path) -> None:
    """TOML `true` is not accepted where a number is expected."""
    path = write(tmp_path, COURSE.replace("time_limit_s = 60.0", "time_limit_s = true"))
    with pytest.raises(ConfigError, match="limits.time_limit_s' must be int or float, received bool True"):
        load_course(path)


def test_course_may_grade_a_subset_of_the_packs(tmp_path: Path) -> None:
    """A course.toml without one of the chapter's exercises (and its assignment) loads: a course grades what it lists."""
    start = COURSE.index("[exercises.acceleration]")
    end = COURSE.index("[exercises.split_validation]")
    text = COURSE[:start] + COURSE[end:]
    # Out of its assignment too (the others of that assignment stay).
    text = re.sub(r'"acceleration",\s*|,\s*"acceleration"', "", text, count=1)
    course = load_course(write(tmp_path, text))
    assert "acceleration" not in [exercise.id for exercise in course.exercises]


def test_unknown_exercise_suggests_closest(tmp_path: Path) -> None:
    """An exercise id no pack exists for is refused with the closest id."""
    path = write(
        tmp_path,
        COURSE.replace("[exercises.acceleration]", "[exercises.aceleration]").replace(
            "[exercises.acceleration.tests]", "[exercises.aceleration.tests]"
        ),
    )
    with pytest.raises(ConfigError, match="Did you mean 'acceleration'"):
        load_course(path)


def test_invalid_toml_and_missing_file(tmp_path: Path) -> None:
    """Broken TOML and a missing file are configuration errors, not crashes."""
    with pytest.raises(ConfigError, match="Not valid TOML"):
        load_course(write(tmp_path, "[course\nid = 1"))
    with pytest.raises(ConfigError, match="No course.toml here"):
        load_course(tmp_path / "nothing.toml")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("output_limit_kb = 256", "output_limt_kb = 256", "Did you mean 'output_limit_kb'?"),
        ("seeds = [101, 102, 103]", "seeds = 101", "'exercises.square_loss.seeds' must be list, received int 101"),
    ],
)
def test_cli_exits_2_with_the_message(tmp_path: Path, old: str, new: str, expected: str) -> None:
    """`grade check` with a bad course.toml exits 2 and prints the message, without a traceback."""
    path = write(tmp_path, COURSE.replace(old, new, 1))
    completed = run_grade(
        "check", str(ROOT / "solutions"), "--course", str(path), "--solutions", str(ROOT / "solutions")
    )
    assert completed.returncode == 2, completed.stderr
    assert expected in completed.stderr
    assert "Traceback" not in completed.stderr
