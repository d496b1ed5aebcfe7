"""The figures of split_validation in the student's HTML report (one more call, not graded)."""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.grading.datasets import point_clouds
from grader.grading.plotdata import PlotView, note
from grader.sandbox.failures import SubmissionFailure


def figures(view: PlotView) -> list[dict[str, Any]]:
    """The classes in each part of a split of the notes' two point clouds (one more call, not graded)."""
    inputs, targets = point_clouds(view.spec.seeds[0], samples_per_class=100)  # class 0 first, as in the notes
    try:
        got = view.call("call", inputs=inputs, targets=targets, validation_fraction=0.3, seed=view.spec.seeds[0])
        parts = {part: np.asarray(got[f"{part}_targets"]["value"]).ravel() for part in ("train", "val")}
    except (SubmissionFailure, KeyError, TypeError, ValueError) as failure:
        return [note(f"No split to draw: your split_validation did not return the four arrays ({str(failure)[:200]}).")]
    groups = {
        "training part": [int(np.sum(parts["train"] == label)) for label in (0.0, 1.0)],
        "validation part": [int(np.sum(parts["val"] == label)) for label in (0.0, 1.0)],
    }
    return [
        {
            "kind": "grouped_bars",
            "title": "Classes in each part (the notes' point clouds, sorted by class)",
            "xlabel": "class",
            "ylabel": "samples",
            "labels": ["class 0", "class 1"],
            "groups": groups,
        }
    ]
