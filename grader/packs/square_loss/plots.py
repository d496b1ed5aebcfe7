"""The figures of square_loss in the student's HTML report."""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.grading.plotdata import PlotView, note, plain


def figures(view: PlotView) -> list[dict[str, Any]]:
    """The student's loss against the reference's, on the public tests' inputs."""
    got_values, expected_values = [], []
    for arguments, got in view.answers("call"):
        expected = view.expected("call", arguments)
        if expected is None or "value" not in got or np.size(got["value"]) != 1 or np.size(expected.get("value")) != 1:
            continue
        got_values.append(float(np.asarray(got["value"]).ravel()[0]))
        expected_values.append(float(np.asarray(expected["value"]).ravel()[0]))
    if not got_values:
        return [note("No scalar value to draw: your square_loss did not return one number.")]
    return [
        {
            "kind": "diagonal",
            "title": "Your square_loss against the reference",
            "xlabel": "reference loss",
            "ylabel": "your loss",
            "expected": plain(expected_values),
            "got": plain(got_values),
        }
    ]
