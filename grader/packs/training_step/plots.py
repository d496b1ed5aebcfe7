"""The figures of training_step in the student's HTML report."""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.grading.plotdata import PlotView, note, plain

MAX_POINTS = 400


def figures(view: PlotView) -> list[dict[str, Any]]:
    """The loss during the student's training run, and the decision boundary it ended with."""
    answers = view.answers("train")
    if not answers:
        return [note("No training run to draw: your training_step did not complete one.")]
    arguments, got = answers[0]
    expected = view.expected("train", arguments) or {}
    steps = list(range(1, len(got["losses"]) + 1))
    series = {"your training_step": [steps, plain(got["losses"])]}
    if "losses" in expected:
        series["reference"] = [list(range(1, len(expected["losses"]) + 1)), plain(expected["losses"])]
    stride = max(1, len(arguments["inputs"]) // MAX_POINTS)
    return [
        {
            "kind": "curves",
            "title": "Loss during training",
            "xlabel": "step",
            "ylabel": "mean squared error",
            "series": series,
            "log_y": True,
        },
        {
            "kind": "boundary",
            "title": "Your decision boundary after training",
            "xlabel": "first input",
            "ylabel": "second input",
            "points": [plain(point) for point in arguments["inputs"][::stride]],
            "labels": plain(arguments["targets"][::stride]),
            "W": plain(got["W"]),
            "b": plain(got["b"])[0] if np.size(got["b"]) else 0.0,
            "threshold": 0.5,
        },
    ]
