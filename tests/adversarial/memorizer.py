"""A student who cannot solve the exercises but has seen every public input: a lookup table.

`memorizer_submission` writes the reference solutions with every function the students write
(and SimpleDense's `call`) wrapped: the wrapper fingerprints the concrete inputs of each call
before it runs (tensors by dtype, shape and bytes, numbers by repr, a callable by its value at
three points, a Keras model or layer by its weights' shapes). In RECORD mode it appends each
fingerprint to a file (what a student learns by running `grade check` in the release at a level
that lets the code write, or by printing the inputs in an error message); in REPLAY mode the
fingerprints are pasted into the module, and a call whose inputs are in the table gets the
reference's answer, any other call a spoiled one (numbers moved, a Sequential one layer short,
Variables it changed moved). Symbolic inputs (a Keras functional build, a trace) cannot be
fingerprinted and get the reference's answer, as a student's table would give.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import SOLUTIONS

WRAPPED = {
    "linear_classifier.py": ["model", "square_loss", "training_step"],
    "gradients.py": ["acceleration"],
    "derivatives.py": ["first_derivative"],
    "keras_models.py": ["build_model", "train_and_evaluate"],
    "layer_shapes.py": ["dense_output_shape", "lstm_output_shape"],
    "perceptron.py": ["dense_forward", "collapse_linear_layers"],
    "sequential.py": ["stack_dense_layers", "remove_last_layer"],
    "tensors.py": ["constant_tensors", "update_variable"],
    "validation.py": ["split_validation"],
}
WRAPPED_METHODS = {"simple_dense.py": [("SimpleDense", "call")]}

MEMORIZER = """

# ---- A lookup table of the public inputs (an attack the grading that counts must defeat). ----
import functools as _functools
import hashlib as _hashlib

import numpy as _numpy

_MODE = {mode!r}
_RECORD_PATH = {record_path!r}
_TABLE = frozenset({table!r})


class _Symbolic(Exception):
    pass


def _fingerprint(value):
    import keras as _keras
    import tensorflow as _tf

    if isinstance(value, (_keras.Model, _keras.layers.Layer)):
        return "keras:" + type(value).__name__ + str([tuple(weight.shape) for weight in value.weights])
    if isinstance(value, (_tf.Tensor, _tf.Variable, _numpy.ndarray, _numpy.generic)):
        try:
            array = _numpy.asarray(value)
        except Exception as error:
            raise _Symbolic() from error
        return f"{{array.dtype}}{{array.shape}}" + _hashlib.sha256(array.tobytes()).hexdigest()[:16]
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_fingerprint(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{{" + ",".join(f"{{key}}={{_fingerprint(value[key])}}" for key in sorted(value)) + "}}"
    if callable(value):
        try:
            points = [value(_tf.constant(point)) for point in (0.37, 1.3, -2.1)]
        except Exception:
            return "callable"
        return "callable:" + _fingerprint(points)
    return repr(value)


def _spoil(value):
    import keras as _keras
    import tensorflow as _tf

    if isinstance(value, _tf.Variable):
        if value.dtype.is_floating:
            value.assign(value * 1.5 + 0.5)
        elif value.dtype.is_integer:
            value.assign(value + 1)
        return value
    if isinstance(value, _keras.Sequential):
        if value.layers:
            value.pop()
        return value
    if isinstance(value, _tf.Tensor):
        if value.dtype.is_floating:
            return value * 1.5 + 0.5
        if value.dtype.is_integer:
            return value + 1
        return value
    if isinstance(value, _numpy.ndarray):
        if value.dtype.kind == "f":
            return value * 1.5 + 0.5
        if value.dtype.kind in "iu":
            return value + 1
        return value
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return value + 1
    if isinstance(value, tuple):
        return tuple(_spoil(item) for item in value)
    if isinstance(value, list):
        return [_spoil(item) for item in value]
    if isinstance(value, dict):
        return {{key: _spoil(item) for key, item in value.items()}}
    history = getattr(value, "history", None)
    if isinstance(history, dict):
        value.history = {{key: [item * 1.5 + 0.5 for item in items] for key, items in history.items()}}
    return value


def _memorize(function):
    @_functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            key = function.__name__ + ":" + _fingerprint((list(args), dict(kwargs)))
        except _Symbolic:
            return function(*args, **kwargs)
        if _MODE == "record":
            with open(_RECORD_PATH, "a", encoding="utf-8") as record:
                record.write(key + "\\n")
            return function(*args, **kwargs)
        result = function(*args, **kwargs)
        if key in _TABLE:
            return result
        for argument in list(args) + list(kwargs.values()):
            if isinstance(argument, __import__("tensorflow").Variable):
                _spoil(argument)
        return _spoil(result)

    return wrapper
"""


def memorizer_submission(folder: Path, *, mode: str, record_path: Path, table: frozenset[str] = frozenset()) -> Path:
    """The solutions with the lookup table around every student function, in `folder`."""
    shutil.copytree(SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    code = MEMORIZER.format(mode=mode, record_path=str(record_path), table=sorted(table))
    for name, functions in WRAPPED.items():
        wrapping = "".join(f"{function} = _memorize({function})\n" for function in functions)
        with (folder / name).open("a", encoding="utf-8") as module:
            module.write(code + "\n\n" + wrapping)
    for name, methods in WRAPPED_METHODS.items():
        wrapping = "".join(f"{cls}.{method} = _memorize({cls}.{method})\n" for cls, method in methods)
        with (folder / name).open("a", encoding="utf-8") as module:
            module.write(code + "\n\n" + wrapping)
    return folder
