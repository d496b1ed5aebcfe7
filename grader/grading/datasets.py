"""Data sets the suites generate from seeds; the kit downloads nothing."""

from __future__ import annotations

import numpy as np


def point_clouds(seed: int, samples_per_class: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """The course notes' two Gaussian point clouds: inputs (2n, 2) float32, targets (2n, 1) float32.

    Class 0 is centred on (5, 6), class 1 on (0, -1), with the notes' covariances; class 0
    comes first, as in the notes.
    """
    rng = np.random.default_rng(seed)
    negative = rng.multivariate_normal(mean=[5, 6], cov=[[2, 0.25], [0.25, 2]], size=samples_per_class)
    positive = rng.multivariate_normal(mean=[0, -1], cov=[[1, 0.5], [0.5, 1]], size=samples_per_class)
    inputs = np.vstack((negative, positive)).astype(np.float32)
    targets = np.vstack(
        (np.zeros((samples_per_class, 1), dtype=np.float32), np.ones((samples_per_class, 1), dtype=np.float32))
    )
    return inputs, targets


def linear_loss(inputs: np.ndarray, targets: np.ndarray, W: np.ndarray, b: np.ndarray) -> float:
    """The mean squared error of the linear model inputs @ W + b, in float64."""
    predictions = inputs.astype(np.float64) @ W.astype(np.float64) + b.astype(np.float64)
    return float(np.mean((targets.astype(np.float64) - predictions) ** 2))


def linear_accuracy(inputs: np.ndarray, targets: np.ndarray, W: np.ndarray, b: np.ndarray) -> float:
    """The share of points on the right side of 0.5, as in the notes."""
    predictions = inputs.astype(np.float64) @ W.astype(np.float64) + b.astype(np.float64)
    return float(np.mean((predictions > 0.5) == (targets > 0.5)))
