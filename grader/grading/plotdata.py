"""The data of the student's HTML report, derived in the parent from what the probes answered.

During grading, `ExerciseCalls` records the answers of the public tests (never of hidden
ones); the reference's answers to the same requests are in its memo. This module picks the
few answers each figure needs and turns them into plain JSON (lists of numbers, non-finite
values as None), the form `GradeResult.extra["plots"]` carries. Two figures need data no test
asks for, so they make one more call each to the student's code after the tests: the
second derivative over a range of times, and a split of the notes' two point clouds.
Nothing here is graded; a call that fails only leaves its figure out, with a note.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from grader.course.config import ExerciseSpec
from grader.grading.session import Reference, StudentCalls, probe_key
from grader.grading.suites.datasets import point_clouds
from grader.sandbox.failures import SubmissionFailure

MAX_POINTS = 400
MAX_WEIGHTS = 2000
# x(t) = 4.9 t^2 + sin(2 t), so x''(t) = 9.8 - 4 sin(2 t).
ACCELERATION_EXPRESSION: list[Any] = ["add", ["poly", [0.0, 0.0, 4.9]], ["sin", ["poly", [0.0, 2.0]]]]
ACCELERATION_TIMES = [round(0.1 * step, 2) for step in range(31)]


def true_acceleration(time: float) -> float:
    return 9.8 - 4.0 * math.sin(2.0 * time)


def plain(values: Any) -> list[Any]:
    """Numbers as a JSON list; NaN and infinities become None."""
    array = np.asarray(values, dtype=np.float64)
    return [None if not math.isfinite(value) else round(float(value), 6) for value in array.ravel()]


def _answers(student: StudentCalls, exercise: ExerciseSpec, probe: str) -> list[tuple[dict[str, Any], Any]]:
    calls = student.exercises.get(exercise.id)
    return [(arguments, answer) for name, arguments, answer in (calls.answers if calls else []) if name == probe]


def _expected(reference: Reference, probe: str, arguments: dict[str, Any]) -> Any:
    return reference.memo.get(probe_key(probe, arguments))


def _note(text: str) -> dict[str, Any]:
    return {"kind": "note", "text": text}


def _training_step(student: StudentCalls, exercise: ExerciseSpec, reference: Reference) -> list[dict[str, Any]]:
    answers = _answers(student, exercise, "training_step.train")
    if not answers:
        return [_note("No training run to draw: your training_step did not complete one.")]
    arguments, got = answers[0]
    expected = _expected(reference, "training_step.train", arguments) or {}
    steps = list(range(1, len(got["losses"]) + 1))
    series = {"your training_step": [steps, plain(got["losses"])]}
    if "losses" in expected:
        series["reference"] = [list(range(1, len(expected["losses"]) + 1)), plain(expected["losses"])]
    stride = max(1, len(arguments["inputs"]) // MAX_POINTS)
    return [
        {"kind": "curves", "title": "Loss during training", "xlabel": "step", "ylabel": "mean squared error", "series": series, "log_y": True},
        {"kind": "boundary", "title": "Your decision boundary after training", "xlabel": "first input", "ylabel": "second input",
         "points": [plain(point) for point in arguments["inputs"][::stride]], "labels": plain(arguments["targets"][::stride]),
         "W": plain(got["W"]), "b": plain(got["b"])[0] if np.size(got["b"]) else 0.0, "threshold": 0.5},
    ]  # fmt: skip


def _square_loss(student: StudentCalls, exercise: ExerciseSpec, reference: Reference) -> list[dict[str, Any]]:
    got_values, expected_values = [], []
    for arguments, got in _answers(student, exercise, "square_loss.call"):
        expected = _expected(reference, "square_loss.call", arguments)
        if expected is None or "value" not in got or np.size(got["value"]) != 1 or np.size(expected.get("value")) != 1:
            continue
        got_values.append(float(np.asarray(got["value"]).ravel()[0]))
        expected_values.append(float(np.asarray(expected["value"]).ravel()[0]))
    if not got_values:
        return [_note("No scalar value to draw: your square_loss did not return one number.")]
    return [{"kind": "diagonal", "title": "Your square_loss against the reference", "xlabel": "reference loss",
             "ylabel": "your loss", "expected": plain(expected_values), "got": plain(got_values)}]  # fmt: skip


def _simple_dense(student: StudentCalls, exercise: ExerciseSpec, reference: Reference) -> list[dict[str, Any]]:
    figures: list[dict[str, Any]] = []
    kernels = [weight["value"] for arguments, got in _answers(student, exercise, "simple_dense.call") if arguments.get("units") == 128
               for weight in got.get("trainable", []) if len(weight.get("shape", [])) == 2]  # fmt: skip
    if kernels:
        figures.append({"kind": "weights", "title": "Your initial W against N(0, 0.05)", "xlabel": "initial weight value",
                        "ylabel": "density", "values": plain(np.asarray(kernels[0]).ravel()[:MAX_WEIGHTS]), "stddev": 0.05})  # fmt: skip
    else:
        figures.append(_note("No initial W to draw: your layer made no 2-D weight."))
    fits = _answers(student, exercise, "simple_dense.fit")
    if fits:
        arguments, got = fits[0]
        expected = _expected(reference, "simple_dense.fit", arguments) or {}
        series = {"your SimpleDense": [list(range(1, len(got["losses"]) + 1)), plain(got["losses"])]}
        if "losses" in expected:
            series["reference"] = [list(range(1, len(expected["losses"]) + 1)), plain(expected["losses"])]
        figures.append({"kind": "curves", "title": "Loss over the fit epochs", "xlabel": "epoch", "ylabel": "mean squared error",
                        "series": series, "log_y": False})  # fmt: skip
    return figures


def _acceleration(student: StudentCalls, exercise: ExerciseSpec) -> list[dict[str, Any]]:
    try:
        got = student.for_exercise(exercise).call(
            "acceleration.curve", expression=ACCELERATION_EXPRESSION, times=ACCELERATION_TIMES
        )
    except SubmissionFailure as failure:
        return [_note(f"No curve to draw: your acceleration failed ({failure.message[:200]}).")]
    return [{"kind": "curves", "title": "x(t) = 4.9 t² + sin(2t): second derivative", "xlabel": "time t", "ylabel": "acceleration x''(t)",
             "series": {"your acceleration": [ACCELERATION_TIMES, plain(got["values"])],
                        "true 9.8 − 4 sin(2t)": [ACCELERATION_TIMES, plain([true_acceleration(t) for t in ACCELERATION_TIMES])]},
             "log_y": False}]  # fmt: skip


def _split_validation(student: StudentCalls, exercise: ExerciseSpec) -> list[dict[str, Any]]:
    inputs, targets = point_clouds(exercise.seeds[0], samples_per_class=100)  # class 0 first, as in the notes
    try:
        got = student.for_exercise(exercise).call(
            "split_validation.call", inputs=inputs, targets=targets, validation_fraction=0.3, seed=exercise.seeds[0]
        )
        parts = {part: np.asarray(got[f"{part}_targets"]["value"]).ravel() for part in ("train", "val")}
    except (SubmissionFailure, KeyError, TypeError, ValueError) as failure:
        return [
            _note(f"No split to draw: your split_validation did not return the four arrays ({str(failure)[:200]}).")
        ]
    groups = {"training part": [int(np.sum(parts["train"] == label)) for label in (0.0, 1.0)],
              "validation part": [int(np.sum(parts["val"] == label)) for label in (0.0, 1.0)]}  # fmt: skip
    return [{"kind": "grouped_bars", "title": "Classes in each part (the notes' point clouds, sorted by class)", "xlabel": "class",
             "ylabel": "samples", "labels": ["class 0", "class 1"], "groups": groups}]  # fmt: skip


def collect_plot_data(
    exercises: Iterable[ExerciseSpec], student: StudentCalls, reference: Reference
) -> dict[str, list[dict[str, Any]]]:
    """Per exercise, the figures of the student's report as plain data."""
    for calls in student.exercises.values():
        calls.recording = False
    figures: dict[str, list[dict[str, Any]]] = {}
    for exercise in exercises:
        try:
            figures[exercise.id] = _figures(exercise, student, reference)
        except Exception as error:  # noqa: BLE001 - a figure is never worth a grade: leave it out, say so.
            figures[exercise.id] = [
                _note(f"The grader could not draw this exercise ({type(error).__name__}: {str(error)[:200]}).")
            ]
    return figures


def _figures(exercise: ExerciseSpec, student: StudentCalls, reference: Reference) -> list[dict[str, Any]]:
    if exercise.id == "training_step":
        return _training_step(student, exercise, reference)
    if exercise.id == "square_loss":
        return _square_loss(student, exercise, reference)
    if exercise.id == "simple_dense":
        return _simple_dense(student, exercise, reference)
    if exercise.id == "acceleration":
        return _acceleration(student, exercise)
    if exercise.id == "split_validation":
        return _split_validation(student, exercise)
    return []
