"""Tests of blame for authors: an exception of a pack's own probe, after the student's code returned, is labelled the
pack's (grader/sandbox/failures.py); the chapter's square_loss probe never lets tape.gradient raise on a student's
value; a missing `functions = [...]` stops the course's load with the line to add (grader/course/contract.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from grader.course.config import load_course
from grader.errors import ConfigError
from grader.results import GradeResult
from tests.authoring_support import scaffolded_course
from tests.conftest import SOLUTIONS, run_grade, submission_with


def test_an_exception_of_the_probe_is_the_packs(tmp_path: Path) -> None:
    """A probe that fails after the student's code returned: the message says the exercise's probe raised, where in
    probes.py, and to tell the instructor; never "your code raised"."""
    scaffolded_course(tmp_path)
    probes = tmp_path / "packs" / "scale" / "probes.py"
    probes.write_text(
        probes.read_text().replace(
            '{"x": tf.constant(x, dtype=tf.float32)}))', '{"x": tf.constant(x, dtype=tf.float32)}))["oops"]'
        )
    )
    completed = run_grade("check", "solutions", "--exercise", "scale", "--format", "json", cwd=tmp_path)
    messages = [test["message"] for exercise in json.loads(completed.stdout)["exercises"] for test in exercise["tests"]]
    assert messages and all("the exercise's probe raised KeyError: 'oops'" in message for message in messages), messages
    assert all("probes.py, line" in message and "tell your instructor" in message for message in messages)
    assert not any("your code raised" in message for message in messages)


def test_square_loss_returning_a_float_fails_with_the_suites_hint(
    tmp_path: Path, grade_folder: Callable[..., GradeResult]
) -> None:
    """A square_loss that returns a Python float: the gradient test fails with its hint (no gradient), not with an
    exception of the probe's tape.gradient."""
    source = (SOLUTIONS / "linear_classifier.py").read_text()
    wrong = source.replace(
        "return tf.reduce_mean(per_sample_losses)", "return float(tf.reduce_mean(per_sample_losses))"
    )
    assert wrong != source
    result = grade_folder(submission_with(tmp_path, {"linear_classifier.py": wrong}), ["square_loss"])
    gradient = next(test for _, test in result.tests if test.name == "gradient_matches_reference")
    assert gradient.score == 0
    assert "GradientTape found no gradient" in gradient.message and "probe raised" not in gradient.message


def test_a_missing_functions_line_stops_the_load(tmp_path: Path) -> None:
    """softmax_xent's probes call softmax_cross_entropy: without `functions = [...]` the load says what to add."""
    course = scaffolded_course(tmp_path, "softmax_xent", ("softmax_cross_entropy",))
    course.write_text(course.read_text().replace('functions = ["softmax_cross_entropy"]\n', ""))
    with pytest.raises(
        ConfigError, match=r'add `functions = \["softmax_cross_entropy"\]` to \[exercises.softmax_xent\]'
    ):
        load_course(course)
