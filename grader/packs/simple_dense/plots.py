"""The figures of simple_dense in the student's HTML report."""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.grading.plotdata import PlotView, note, plain

MAX_WEIGHTS = 2000


def figures(view: PlotView) -> list[dict[str, Any]]:
    """The initial kernel's distribution, and the loss over the fit epochs."""
    figures: list[dict[str, Any]] = []
    kernels = [
        weight["value"]
        for arguments, got in view.answers("call")
        if arguments.get("units") == 128
        for weight in got.get("trainable", [])
        if len(weight.get("shape", [])) == 2
    ]
    if kernels:
        figures.append(
            {
                "kind": "weights",
                "title": "Your initial W against N(0, 0.05)",
                "xlabel": "initial weight value",
                "ylabel": "density",
                "values": plain(np.asarray(kernels[0]).ravel()[:MAX_WEIGHTS]),
                "stddev": 0.05,
            }
        )
    else:
        figures.append(note("No initial W to draw: your layer made no 2-D weight."))
    fits = view.answers("fit")
    if fits:
        arguments, got = fits[0]
        expected = view.expected("fit", arguments) or {}
        series = {"your SimpleDense": [list(range(1, len(got["losses"]) + 1)), plain(got["losses"])]}
        if "losses" in expected:
            series["reference"] = [list(range(1, len(expected["losses"]) + 1)), plain(expected["losses"])]
        figures.append(
            {
                "kind": "curves",
                "title": "Loss over the fit epochs",
                "xlabel": "epoch",
                "ylabel": "mean squared error",
                "series": series,
                "log_y": False,
            }
        )
    return figures
