"""Whether a spawned interpreter may serve one more exercise of the same submission (the portable level).

A fresh interpreter costs a TensorFlow import (seconds); at the portable level, where there is
no fork, one interpreter serves the exercises of one submission one after the other. Before
it takes the next exercise, it forgets the student's modules and Keras' global state, and
compares what the student's code could have changed in the interpreter with the picture
taken before any student code ran: a setting (float type, dtype policy, eager functions,
NumPy's error handling, the environment, the working folder), a thread left running, a
replaced function or method of Python, NumPy, TensorFlow or Keras, a registered Keras
object, a signal handler, a trace hook (and, in `child.spawned`, memory kept beyond what the
address-space limit leaves for another exercise).
Anything changed, or anything that could not be looked at, and the interpreter is not
reused: the parent starts a fresh one, as for every exercise before (fail closed).
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
import threading
from typing import Any

# Modules whose functions and classes a student's code could replace for everything that runs after it.
WATCHED_MODULES = (
    "builtins",
    "math",
    "random",
    "os",
    "numpy",
    "numpy.random",
    "numpy.linalg",
    "tensorflow",
    "tensorflow.math",
    "tensorflow.nn",
    "tensorflow.random",
    "tensorflow.linalg",
    "keras",
    "keras.activations",
    "keras.backend",
    "keras.callbacks",
    "keras.layers",
    "keras.losses",
    "keras.metrics",
    "keras.models",
    "keras.ops",
    "keras.optimizers",
    "keras.random",
)
# Classes whose methods a student's code could replace ("Dense.call = ..."), by where they are found.
WATCHED_CLASSES = (
    ("keras", "Layer"),
    ("keras", "Model"),
    ("keras", "Sequential"),
    ("keras.layers", "Dense"),
    ("keras.layers", "LSTM"),
    ("keras.optimizers", "Optimizer"),
    ("tensorflow", "Variable"),
    ("tensorflow", "GradientTape"),
)
IMPORT_LIMIT_THREAD = "import-limit"


def _resolve(dotted: str) -> Any:
    """A watched module or class by attribute from its top package, as the student's code reaches it
    (importing "tensorflow.math" by name would bind a new module over `tf.math`)."""
    top, *rest = dotted.split(".")
    found = importlib.import_module(top)
    for name in rest:
        found = getattr(found, name)
    return found


def _bindings() -> dict[str, int]:
    """The identity of every name of the watched modules and classes (but TensorFlow's lazy loaders, which
    replace themselves with their module when first used: `tf.keras` in a student's code is no change)."""
    found: dict[str, int] = {}
    for name in WATCHED_MODULES:
        for attribute, value in list(vars(_resolve(name)).items()):
            if not type(value).__name__.endswith("LazyLoader"):
                found[f"{name}.{attribute}"] = id(value)
    for module_name, class_name in WATCHED_CLASSES:
        for attribute, value in list(vars(_resolve(f"{module_name}.{class_name}")).items()):
            found[f"{module_name}.{class_name}.{attribute}"] = id(value)
    return found


def _settings() -> dict[str, Any]:
    import keras
    import numpy
    import tensorflow

    return {
        "keras floatx": keras.config.floatx(),
        "keras epsilon": keras.config.epsilon(),
        "keras image data format": keras.config.image_data_format(),
        "keras dtype policy": keras.config.dtype_policy().name,
        "keras custom objects": sorted(keras.saving.get_custom_objects()),
        "tf functions run eagerly": tensorflow.config.functions_run_eagerly(),
        "tf intra-op threads": tensorflow.config.threading.get_intra_op_parallelism_threads(),
        "tf inter-op threads": tensorflow.config.threading.get_inter_op_parallelism_threads(),
        "numpy errors": sorted(numpy.geterr().items()),
        "environment": sorted(os.environ.items()),
        "working folder": os.getcwd(),
        "recursion limit": sys.getrecursionlimit(),
        "switch interval": sys.getswitchinterval(),
        "trace hooks": (id(sys.gettrace()), id(sys.getprofile()), id(threading.gettrace()), id(threading.getprofile())),
        "streams": (id(sys.stdin), id(sys.stdout), id(sys.stderr)),
        "import machinery": ([id(item) for item in sys.meta_path], [id(item) for item in sys.path_hooks]),
        "signal handlers": [
            id(signal.getsignal(number))
            for number in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGALRM", signal.SIGINT))
        ],
        "threads": sorted(
            thread.name for thread in threading.enumerate() if thread.name != IMPORT_LIMIT_THREAD and thread.is_alive()
        ),
    }


class Picture:
    """What the interpreter looked like before any student code ran."""

    def __init__(self) -> None:
        # A picture that cannot be taken (a library version without one of these settings) makes every
        # release a change: the portable level then starts a fresh interpreter per exercise, as it did before.
        self.failure: str | None = None
        self.settings: dict[str, Any] = {}
        self.bindings: dict[str, int] = {}
        try:
            self.settings = _settings()
            self.bindings = _bindings()
        except Exception as error:  # noqa: BLE001 - fail closed: no reuse, but grading goes on.
            self.failure = f"no picture: {type(error).__name__}: {error}"

    def changes(self) -> list[str]:
        """What differs now (empty: the interpreter may serve another exercise)."""
        if self.failure is not None:
            return [self.failure]
        try:
            settings = _settings()
            bindings = _bindings()
        except Exception as error:  # noqa: BLE001 - a picture that cannot be taken is a change.
            return [f"could not look: {type(error).__name__}: {error}"]
        changed = [name for name, value in self.settings.items() if settings.get(name) != value]
        # A lazy loader's name now bound to its module is not in the picture; any other name must be the same object.
        changed += [name for name, identity in self.bindings.items() if bindings.get(name) != identity]
        return changed


def forget_submission(submission_dir: str) -> None:
    """Drop the student's modules (anything imported from the submission folder) and Keras' global state,
    so that the next exercise imports the student's module afresh, under its own seed."""
    import keras

    folder = os.path.normcase(os.path.abspath(submission_dir))
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and os.path.normcase(os.path.abspath(path)).startswith(folder + os.sep):
            del sys.modules[name]
    while submission_dir in sys.path:
        sys.path.remove(submission_dir)
    importlib.invalidate_caches()
    keras.backend.clear_session()
