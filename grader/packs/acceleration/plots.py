"""The figures of acceleration in the student's HTML report (one more call to the student's code, not graded)."""

from __future__ import annotations

import math
from typing import Any

from grader.grading.plotdata import PlotView, note, plain
from grader.sandbox.failures import SubmissionFailure

# x(t) = 4.9 t^2 + sin(2 t), so x''(t) = 9.8 - 4 sin(2 t).
ACCELERATION_EXPRESSION: list[Any] = ["add", ["poly", [0.0, 0.0, 4.9]], ["sin", ["poly", [0.0, 2.0]]]]
ACCELERATION_TIMES = [round(0.1 * step, 2) for step in range(31)]


def true_acceleration(time: float) -> float:
    return 9.8 - 4.0 * math.sin(2.0 * time)


def figures(view: PlotView) -> list[dict[str, Any]]:
    """The student's second derivative of one position over a range of times, against the truth."""
    try:
        got = view.call("curve", expression=ACCELERATION_EXPRESSION, times=ACCELERATION_TIMES)
    except SubmissionFailure as failure:
        return [note(f"No curve to draw: your acceleration failed ({failure.message[:200]}).")]
    return [
        {
            "kind": "curves",
            "title": "x(t) = 4.9 t² + sin(2t): second derivative",
            "xlabel": "time t",
            "ylabel": "acceleration x''(t)",
            "series": {
                "your acceleration": [ACCELERATION_TIMES, plain(got["values"])],
                "true 9.8 − 4 sin(2t)": [ACCELERATION_TIMES, plain([true_acceleration(t) for t in ACCELERATION_TIMES])],
            },
            "log_y": False,
        }
    ]
