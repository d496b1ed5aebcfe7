"""The packs' library inside the sandbox: what every pack's `probes.py` imports.

A pack's probes run in the sandboxed child, where this package is importable as
`gradechild`, so a `probes.py` starts with `from gradechild.api import Context, call_student,
describe`. It holds the context a probe receives, calling the student's code through its own
signature (`call_student`, `Binding`, `substitute`), the errors that are the student's
(`StudentError`, raised on purpose; `student_object`, around library calls on what the
student's code made: any other exception of a probe is the pack's), counting library usage while the
student's code runs, describing a returned value as plain data, and building a function of
time from the plain-data expressions of the gradient packs (`build_expression`).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from . import wire
from .calling import Binding, ContractMismatch, StudentError, substitute
from .standins import Collaborator, collaborators


@dataclass
class Context:
    module: ModuleType | None
    exercise: str
    # The seed of every generator before the student's module was imported.
    seed: int = 0
    # The student's own definitions that a probe replaced with stand-ins, by name.
    originals: dict[str, Any] = field(default_factory=dict)
    # Set by the worker for each request: grade with correct stand-ins for the student's collaborators
    # (`collaborators`), and what the stand-ins found wrong with the student's own, for the parent.
    stand_ins: bool = False
    findings: list[str] = field(default_factory=list)


def student_function(context: Context, name: str) -> Any:
    """The student's function or class `name`; a clear error when the module does not define it."""
    value = getattr(context.module, name, None)
    if value is None:
        module = getattr(context.module, "__name__", "your module")
        raise ContractMismatch(
            f"{module}.py does not define {name} when it is imported: define {name} at the top level of the"
            f" module, with the exercise's name and parameters (not inside a function or under"
            ' `if __name__ == "__main__":`)'
        )
    return value


def call_student(
    context: Context, name: str, contract: tuple[str, ...], values: dict[str, Any], *, keywords: bool = False
) -> Any:
    """Call the student's `name` with the contract's values, through the student's own signature."""
    function = student_function(context, name)
    return Binding.of(function, contract, name).call(function, values, keywords=keywords)


def _raised_in_module(module: ModuleType | None, error: BaseException) -> bool:
    """Whether a frame of `error`'s traceback is in the folder of the student's `module`."""
    folder = os.path.dirname(getattr(module, "__file__", None) or "") + os.sep
    trace = error.__traceback__
    while trace is not None:
        if folder != os.sep and trace.tb_frame.f_code.co_filename.startswith(folder):
            return True
        trace = trace.tb_next
    return False


@contextlib.contextmanager
def student_object(context: Context, what: str) -> Iterator[None]:
    """Library calls a probe makes on what the student's code made or returned (a model to fit, a layer to call):
    an exception they raise is the student's, a `StudentError` that names `what` ("the model build_model returned").

    An exception of the student's own code keeps its traceback (its file and line), and a stub's
    NotImplementedError and running out of memory keep their own messages; every other exception of a
    probe is the pack's (exit 3), so wrap only the calls that act on the student's objects.
    """
    try:
        yield
    except StudentError:
        raise
    except Exception as error:
        if isinstance(error, (NotImplementedError, MemoryError, tf.errors.ResourceExhaustedError)):
            raise
        if _raised_in_module(context.module, error):
            raise
        raise StudentError(f"{what} raised {type(error).__name__}: {str(error)[:1000]}") from None


def _library_type(kind: type) -> bool:
    return kind.__module__.startswith(("tensorflow.", "keras.", "tf_keras."))


@contextlib.contextmanager
def recording_usage() -> Iterator[dict[str, int]]:
    """Count, while the student's code runs, the GradientTape gradients it takes and the optimizers it uses.

    The classes are wrapped in this process only, for the duration of one call, so that a
    hard-coded answer, finite differences, a closed form or a library optimizer show in the data.
    """
    usage = {"gradient_tapes": 0, "tape_gradients": 0, "optimizers": 0}
    patched: list[tuple[type, str, Any]] = []

    def wrap(owner: type, name: str, key: str) -> None:
        original = owner.__dict__.get(name, getattr(owner, name, None))
        if original is None:
            return

        def counting(*args: Any, **kwargs: Any) -> Any:
            usage[key] += 1
            return original(*args, **kwargs)

        patched.append((owner, name, owner.__dict__.get(name)))
        setattr(owner, name, counting)

    wrap(tf.GradientTape, "__enter__", "gradient_tapes")
    for name in ("gradient", "jacobian", "batch_jacobian"):
        wrap(tf.GradientTape, name, "tape_gradients")
    for optimizer in (keras.optimizers.Optimizer, tf.compat.v1.train.Optimizer):
        for name in ("__init__", "apply_gradients", "apply"):
            wrap(optimizer, name, "optimizers")
    try:
        yield usage
    finally:
        for owner, name, original in reversed(patched):
            if original is None:
                delattr(owner, name)
            else:
                setattr(owner, name, original)


def usage_when_run_eagerly(run: Callable[[], Any]) -> dict[str, int] | None:
    """What `run` does when every `tf.function` in it runs its Python, as a trace does: the tapes, gradients and
    optimizers it uses, and the Variables it creates; None when it cannot run that way.

    Evidence of how an answer was computed that does not depend on whether the student's
    `tf.function` (a helper compiled per learning rate, `jit_compile=True`, one traced at import)
    was traced during the probe: a cached trace runs a graph, where no Python tape is seen.
    """
    created: list[bool] = []

    def record_creation(next_creator: Callable[..., Any], **kwargs: Any) -> Any:
        created.append(True)
        return next_creator(**kwargs)

    previous = tf.config.functions_run_eagerly()
    tf.config.run_functions_eagerly(True)
    try:
        with tf.variable_creator_scope(record_creation), recording_usage() as usage:
            run()
    except Exception:  # noqa: BLE001 - code that runs only as a graph keeps the evidence of its real call.
        return None
    finally:
        tf.config.run_functions_eagerly(previous)
    return {**usage, "variables_created": len(created)}


def merged_usage(*usages: dict[str, int] | None) -> dict[str, int]:
    """The most of each count over several runs of the same code (a real call and its eager evidence)."""
    merged: dict[str, int] = {}
    for usage in usages:
        for key, count in (usage or {}).items():
            merged[key] = max(merged.get(key, 0), int(count))
    return merged


def describe(value: Any) -> dict[str, Any]:
    """What a returned value is, as plain data: its kind, type, dtype, shape and values."""
    kind_type = type(value)
    info: dict[str, Any] = {"python_type": f"{kind_type.__module__}.{kind_type.__qualname__}"}
    if value is None:
        info["kind"] = wire.ValueKind.NONE
        return info
    # A subclass of a library type made outside the library (a tensor or an array that lies
    # about itself) is "other": it is not what the library's own operations return.
    kind = wire.ValueKind.OTHER
    if isinstance(value, tf.Variable) and _library_type(kind_type):
        kind = wire.ValueKind.VARIABLE
    elif tf.is_tensor(value) and _library_type(kind_type):
        kind = wire.ValueKind.TENSOR
    elif kind_type is np.ndarray:
        kind = wire.ValueKind.NDARRAY
    elif isinstance(value, (bool, int, float, np.generic)):
        kind = wire.ValueKind.SCALAR
    info["kind"] = kind
    try:
        array = value.numpy() if kind in wire.TENSOR_KINDS else np.asarray(value)
        array = np.asarray(array)
    except Exception as error:  # noqa: BLE001 - an object that cannot become an array.
        info["conversion_error"] = f"{type(error).__name__}: {error}"[:500]
        return info
    info["dtype"] = str(array.dtype)
    info["shape"] = [int(n) for n in array.shape]
    if array.dtype.kind in "biuf":
        info["value"] = np.array(array, copy=True)
    return info


__all__ = [
    "Binding",
    "Collaborator",
    "collaborators",
    "merged_usage",
    "usage_when_run_eagerly",
    "Context",
    "ContractMismatch",
    "StudentError",
    "student_object",
    "call_student",
    "describe",
    "recording_usage",
    "student_function",
    "substitute",
]


def build_expression(node: list[Any]) -> Callable[[Any], Any]:
    """A function of t (a float or a tensor, element-wise) from a plain-data expression tree:
    ["poly", [c0, c1, ...]] | ["sin", n] | ["exp", n] | ["mul", n, n] | ["add", n, n]
    (the parent's side, `grader.grading.expressions`, derives and prints the same trees)."""
    kind = node[0]
    if kind == "poly":
        coefficients = [float(c) for c in node[1]]
        # The constant term is added as it is, and t**1 is written t: TensorFlow's gradient of
        # t**0 and t**1 at t = 0 goes through 0 * 0**-1, which is NaN.
        return lambda t: (
            coefficients[0]
            + sum(
                coefficient * (t if power == 1 else t**power) for power, coefficient in enumerate(coefficients) if power
            )
        )
    if kind in ("sin", "exp"):
        inner = build_expression(node[1])
        outer = tf.sin if kind == "sin" else tf.exp
        return lambda t: outer(inner(t))
    if kind in ("mul", "add"):
        left, right = build_expression(node[1]), build_expression(node[2])
        return (lambda t: left(t) * right(t)) if kind == "mul" else (lambda t: left(t) + right(t))
    raise ValueError(f"unknown expression node {kind!r}")
