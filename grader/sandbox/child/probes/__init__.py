"""Probes: trusted harness code that calls the student's functions inside the sandbox.

One module per exercise module (`linear`, `dense`, `gradients`, `validation`), what they
share in `common`, and here the registry `PROBES` that the worker dispatches on.

Each probe takes plain data from the parent, builds the TensorFlow objects the student
contract expects, calls the student's code and returns plain data only: numbers, arrays,
shapes, dtypes and type names. The parent checks all of it; nothing here decides a grade.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .common import Context, environment
from .dense import simple_dense_call, simple_dense_call_randomized, simple_dense_fit
from .gradients import acceleration_call, acceleration_curve
from .linear import square_loss_call, square_loss_gradient, training_step_one_step, training_step_train
from .validation import split_validation_call

PROBES: dict[str, Callable[..., Any]] = {
    "square_loss.call": square_loss_call,
    "square_loss.gradient": square_loss_gradient,
    "training_step.one_step": training_step_one_step,
    "training_step.train": training_step_train,
    "simple_dense.call": simple_dense_call,
    "simple_dense.fit": simple_dense_fit,
    "simple_dense.call_randomized": simple_dense_call_randomized,
    "acceleration.call": acceleration_call,
    "acceleration.curve": acceleration_curve,
    "split_validation.call": split_validation_call,
    "environment": environment,
}

__all__ = ["PROBES", "Context"]
