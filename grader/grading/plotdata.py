"""The data of the student's HTML report, derived in the parent from what the probes answered.

During grading, `ExerciseCalls` records the answers of the public tests (never of hidden
ones); the reference's answers to the same requests are in its memo. A pack's optional
`plots.py` defines `figures(view: PlotView) -> list[dict]`: it picks the few answers each
figure needs (`view.answers`, `view.expected`), or makes one more call to the student's code
(`view.call`), and returns plain JSON (lists of numbers, non-finite values as None), the form
`GradeResult.extra["plots"]` carries. Nothing here is graded; a figure that fails is left
out, with a note.
"""

from __future__ import annotations

import importlib
import importlib.util
import math
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from grader.course.config import ExerciseSpec
from grader.course.packs import Pack
from grader.errors import ConfigError
from grader.grading.reference import Reference
from grader.grading.student_calls import ExerciseCalls, StudentCalls

FIGURES_FUNCTION = "figures"


def plain(values: Any) -> list[Any]:
    """Numbers as a JSON list; NaN and infinities become None."""
    array = np.asarray(values, dtype=np.float64)
    return [None if not math.isfinite(value) else round(float(value), 6) for value in array.ravel()]


def note(text: str) -> dict[str, Any]:
    """A figure that is only a sentence: why there is nothing to draw."""
    return {"kind": "note", "text": text}


class PlotView:
    """What a pack's `figures(view)` sees of one exercise's grading."""

    def __init__(self, exercise: ExerciseSpec, calls: ExerciseCalls | None, reference: Reference) -> None:
        self.spec = exercise
        self._calls = calls
        self._reference = reference

    def answers(self, probe: str) -> list[tuple[dict[str, Any], Any]]:
        """(arguments, the student's answer) of every call of `probe` by the public tests, in order."""
        calls = self._calls.answers if self._calls is not None else []
        return [(arguments, answer) for name, arguments, answer in calls if name == probe]

    def expected(self, probe: str, arguments: dict[str, Any]) -> Any:
        """The reference's answer to the same request, if the tests asked for it (else None)."""
        return self._reference.expected(self.spec, probe, arguments)

    def call(self, probe: str, **arguments: Any) -> Any:
        """One more call to the student's code, for a figure only; raises `SubmissionFailure`."""
        if self._calls is None:
            raise ConfigError(f"{self.spec.id}: no grading of this exercise ran, so its figures cannot call it")
        return self._calls.call(probe, **arguments)


def figures_function(pack: Pack) -> Callable[[PlotView], list[dict[str, Any]]] | None:
    """The pack's `figures` function, or None for a pack without plots.py."""
    if pack.plots is None:
        return None
    if pack.builtin:
        module = importlib.import_module(f"grader.packs.{pack.exercise}.plots")
    else:
        spec = importlib.util.spec_from_file_location(f"coursepack_{pack.exercise}_plots", pack.plots)
        if spec is None or spec.loader is None:
            raise ConfigError("cannot be loaded as a Python module.", path=pack.plots)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    function = getattr(module, FIGURES_FUNCTION, None)
    if not callable(function):
        raise ConfigError(
            f"defines no {FIGURES_FUNCTION}(view) function: add one, or remove plots.py.", path=pack.plots
        )
    found: Callable[[PlotView], list[dict[str, Any]]] = function
    return found


def collect_plot_data(
    exercises: Iterable[ExerciseSpec], student: StudentCalls, reference: Reference
) -> dict[str, list[dict[str, Any]]]:
    """Per exercise, the figures of the student's report as plain data."""
    for calls in student.exercises.values():
        calls.recording = False
    figures: dict[str, list[dict[str, Any]]] = {}
    for exercise in exercises:
        try:
            function = figures_function(exercise.pack)
            if function is None:
                figures[exercise.id] = []
                continue
            view = PlotView(exercise, student.for_exercise(exercise), reference)
            figures[exercise.id] = list(function(view))
        except Exception as error:  # noqa: BLE001 - a figure is never worth a grade: leave it out, say so.
            figures[exercise.id] = [
                note(f"The grader could not draw this exercise ({type(error).__name__}: {str(error)[:200]}).")
            ]
    return figures
