"""Probes: trusted harness code that calls the student's functions inside the sandbox.

Each probe takes plain data from the parent, builds the TensorFlow objects the student
contract expects, calls the student's code and returns plain data only: numbers, arrays,
shapes, dtypes and type names. The parent checks all of it; nothing here decides a grade.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Callable, Iterator

import keras
import numpy as np
import tensorflow as tf

from .calling import Binding, substitute


@dataclass
class Context:
    module: ModuleType | None
    exercise: str
    # The seed of every generator before the student's module was imported.
    seed: int = 0
    # The student's own definitions that a probe replaced with stand-ins, by name.
    originals: dict[str, Any] = field(default_factory=dict)


def student_function(context: Context, name: str) -> Any:
    """The student's function or class `name`; a clear error when the module does not define it."""
    value = getattr(context.module, name, None)
    if value is None:
        raise NameError(f"your module does not define {name}: define it with the name and parameters of the exercise")
    return value


def call_student(context: Context, name: str, contract: tuple[str, ...], values: dict[str, Any], *, keywords: bool = False) -> Any:
    """Call the student's `name` with the contract's values, through the student's own signature."""
    function = student_function(context, name)
    return Binding.of(function, contract, name).call(function, values, keywords=keywords)


SQUARE_LOSS = ("targets", "predictions")
MODEL = ("inputs", "W", "b")
TRAINING_STEP = ("inputs", "targets", "W", "b", "learning_rate")
SIMPLE_DENSE = ("units", "activation")
ACCELERATION = ("position", "time")
SPLIT_VALIDATION = ("inputs", "targets", "validation_fraction", "seed")


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


def describe(value: Any) -> dict[str, Any]:
    """What a returned value is, as plain data: its kind, type, dtype, shape and values."""
    kind_type = type(value)
    info: dict[str, Any] = {"python_type": f"{kind_type.__module__}.{kind_type.__qualname__}"}
    if value is None:
        info["kind"] = "none"
        return info
    # A subclass of a library type made outside the library (a tensor or an array that lies
    # about itself) is "other": it is not what the library's own operations return.
    if isinstance(value, tf.Variable) and _library_type(kind_type):
        info["kind"] = "variable"
    elif tf.is_tensor(value) and _library_type(kind_type):
        info["kind"] = "tensor"
    elif kind_type is np.ndarray:
        info["kind"] = "ndarray"
    elif isinstance(value, (bool, int, float, np.generic)):
        info["kind"] = "scalar"
    else:
        info["kind"] = "other"
    try:
        array = value.numpy() if info["kind"] in ("tensor", "variable") else np.asarray(value)
        array = np.asarray(array)
    except Exception as error:  # noqa: BLE001 - an object that cannot become an array.
        info["conversion_error"] = f"{type(error).__name__}: {error}"[:500]
        return info
    info["dtype"] = str(array.dtype)
    info["shape"] = [int(n) for n in array.shape]
    if array.dtype.kind in "biuf":
        info["value"] = np.array(array, copy=True)
    return info


# ----------------------------------------------------------------------------------------
# square_loss


def square_loss_call(
    context: Context, targets: np.ndarray, predictions: np.ndarray, form: str = "tensor"
) -> dict[str, Any]:
    """form: "tensor" (tf.constant, positional), "numpy" (the arrays themselves) or "keyword" (tensors by keyword)."""
    if form == "numpy":
        values = {"targets": targets, "predictions": predictions}
    else:
        values = {"targets": tf.constant(targets), "predictions": tf.constant(predictions)}
    loss = call_student(context, "square_loss", SQUARE_LOSS, values, keywords=form == "keyword")
    return describe(loss)


def square_loss_gradient(context: Context, targets: np.ndarray, predictions: np.ndarray) -> dict[str, Any]:
    predictions_tensor = tf.constant(predictions)
    with tf.GradientTape() as tape:
        tape.watch(predictions_tensor)
        loss = call_student(context, "square_loss", SQUARE_LOSS, {"targets": tf.constant(targets), "predictions": predictions_tensor})
    gradient = tape.gradient(loss, predictions_tensor)
    return {"loss": describe(loss), "gradient": describe(gradient)}


# ----------------------------------------------------------------------------------------
# training_step: graded alone, with the course's own model and a library mean squared error.


def _mean_squared_error(targets: tf.Tensor, predictions: tf.Tensor) -> tf.Tensor:
    return keras.losses.MeanSquaredError()(targets, predictions)


def _linear_model(inputs: tf.Tensor, W: tf.Variable, b: tf.Variable) -> tf.Tensor:
    return tf.matmul(inputs, W) + b


def _training_step(context: Context) -> tuple[Callable[..., Any], list[str]]:
    """The student's training_step, with correct `square_loss` and `model` standing in for the
    student's own; each stand-in accepts the calls the student's own definition accepts.
    Returns the step and notes on the student's functions that had to be kept."""
    assert context.module is not None
    notes: list[str] = []
    # The student's own definitions, as the module defined them (a repeated probe call finds the stand-ins).
    originals = context.originals
    for name, contract, correct in (("square_loss", SQUARE_LOSS, _mean_squared_error), ("model", MODEL, _linear_model)):
        own = originals.setdefault(name, getattr(context.module, name, None))
        stand_in, note = substitute(own, contract, correct, name)
        if stand_in is None:
            notes.append(note)
            setattr(context.module, name, own)
        else:
            setattr(context.module, name, stand_in)
    step = student_function(context, "training_step")
    python_function = getattr(step, "python_function", None)
    if callable(python_function):
        # A student's own @tf.function: a fresh one per probe call traces again, so that the
        # tapes and optimizers its graph uses are seen by recording_usage (a cached trace runs none).
        jit_compile = getattr(step, "_jit_compile", None)
        return tf.function(python_function, jit_compile=jit_compile), notes
    return step, notes


def training_step_one_step(
    context: Context,
    inputs: np.ndarray,
    targets: np.ndarray,
    W0: np.ndarray,
    b0: np.ndarray,
    learning_rate: float,
    use_tf_function: bool = False,
    keywords: bool = False,
) -> dict[str, Any]:
    """One step; `keywords` passes every argument by keyword, with the student's own parameter names."""
    step, notes = _training_step(context)
    binding = Binding.of(step, TRAINING_STEP, "training_step")
    if use_tf_function:
        step = tf.function(step)
    W = tf.Variable(W0)
    b = tf.Variable(b0)
    created: list[str] = []

    def record_creation(next_creator: Callable[..., Any], **kwargs: Any) -> Any:
        created.append(str(kwargs.get("name") or "variable"))
        return next_creator(**kwargs)

    values = {"inputs": tf.constant(inputs), "targets": tf.constant(targets), "W": W, "b": b, "learning_rate": learning_rate}
    with tf.variable_creator_scope(record_creation), recording_usage() as usage:
        loss = binding.call(step, values, keywords=keywords)
    return {
        "loss": describe(loss),
        "W": W.numpy(),
        "b": b.numpy(),
        "variables_created": len(created),
        "usage": usage,
        "notes": notes,
    }


def training_step_train(
    context: Context,
    inputs: np.ndarray,
    targets: np.ndarray,
    W0: np.ndarray,
    b0: np.ndarray,
    learning_rate: float,
    steps: int,
) -> dict[str, Any]:
    step, notes = _training_step(context)
    binding = Binding.of(step, TRAINING_STEP, "training_step")
    W = tf.Variable(W0)
    b = tf.Variable(b0)
    values = {"inputs": tf.constant(inputs), "targets": tf.constant(targets), "W": W, "b": b, "learning_rate": learning_rate}
    losses = []
    with recording_usage() as usage:
        for _ in range(steps):
            loss = binding.call(step, values)
            losses.append(_loss_number(loss))
    return {"losses": np.array(losses, dtype=np.float64), "W": W.numpy(), "b": b.numpy(), "usage": usage, "notes": notes}


def _loss_number(loss: Any) -> float:
    """The loss as a float, NaN when the step returned nothing numeric (the suites grade the return value elsewhere)."""
    try:
        return float(np.asarray(loss, dtype=np.float64).reshape(-1)[0])
    except (TypeError, ValueError, IndexError):
        return float("nan")


# ----------------------------------------------------------------------------------------
# SimpleDense

ACTIVATIONS: dict[str, Callable[[tf.Tensor], tf.Tensor]] = {
    "relu": tf.nn.relu,
    "sigmoid": tf.math.sigmoid,
    "tanh": tf.math.tanh,
    "keras.relu": keras.activations.relu,
    "keras.sigmoid": keras.activations.sigmoid,
}


def _simple_dense(context: Context, units: int, activation: str | None, *, default_activation: bool = False) -> Any:
    """The student's SimpleDense(units, activation=...); with `default_activation`, SimpleDense(units) as the notes write it."""
    values: dict[str, Any] = {"units": units}
    if not default_activation:
        values["activation"] = ACTIVATIONS[activation] if activation else None
    return call_student(context, "SimpleDense", SIMPLE_DENSE, values)


def sublayers(layer: keras.layers.Layer) -> list[str]:
    """The layers tracked inside a layer (a SimpleDense that wraps keras.layers.Dense has one)."""
    try:
        inner = list(layer._flatten_layers(include_self=False, recursive=True))
    except Exception as error:  # noqa: BLE001 - a layer that broke Keras' tracking cannot be looked into.
        raise RuntimeError(
            f"the grader could not list the layers inside your SimpleDense ({type(error).__name__}: {error});"
            " do not override Keras' own attributes of a Layer"
        ) from None
    return [f"{type(item).__module__}.{type(item).__qualname__}" for item in inner]


def _weights(layer: keras.layers.Layer) -> list[dict[str, Any]]:
    return [{"shape": [int(n) for n in weight.shape], "value": np.asarray(weight.numpy())} for weight in layer.trainable_weights]


def simple_dense_call(
    context: Context, units: int, activation: str | None, batches: list[np.ndarray], seed: int
) -> dict[str, Any]:
    keras.utils.set_random_seed(seed)
    layer = _simple_dense(context, units, activation)
    before = len(layer.weights)
    outputs = [describe(layer(tf.constant(batch))) for batch in batches]
    return {
        "weights_before_call": before,
        "trainable": _weights(layer),
        "all_weights": len(layer.weights),
        "outputs": outputs,
        "sublayers": sublayers(layer),
    }


def simple_dense_fit(
    context: Context, inputs: np.ndarray, targets: np.ndarray, epochs: int, seed: int
) -> dict[str, Any]:
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([_simple_dense(context, 16, "relu"), _simple_dense(context, 1, None, default_activation=True)])
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.01), loss="mean_squared_error")
    history = model.fit(inputs, targets, epochs=epochs, batch_size=64, verbose=0, shuffle=False)
    inner = [name for layer in model.layers for name in sublayers(layer)]
    return {"losses": np.array(history.history["loss"], dtype=np.float64), "sublayers": inner}


def simple_dense_call_randomized(
    context: Context, units: int, activation: str | None, batches: list[np.ndarray], seed: int
) -> dict[str, Any]:
    """Build the layer on the first batch, give every trainable weight random values (so that a
    zero bias is not zero any more), then call it on every batch."""
    keras.utils.set_random_seed(seed)
    layer = _simple_dense(context, units, activation)
    layer(tf.constant(batches[0]))
    rng = np.random.default_rng(seed)
    for weight in layer.trainable_weights:
        shape = tuple(int(n) for n in weight.shape)
        weight.assign(rng.normal(scale=0.5, size=shape).astype(keras.backend.standardize_dtype(weight.dtype)))
    outputs = [describe(layer(tf.constant(batch))) for batch in batches]
    return {"trainable": _weights(layer), "outputs": outputs, "sublayers": sublayers(layer)}


# ----------------------------------------------------------------------------------------
# acceleration: position functions built from a small expression tree sent by the parent.


def build_expression(node: list[Any]) -> Callable[[tf.Tensor], tf.Tensor]:
    """["poly", [c0, c1, ...]] | ["sin", n] | ["exp", n] | ["mul", n, n] | ["add", n, n]"""
    kind = node[0]
    if kind == "poly":
        coefficients = [float(c) for c in node[1]]
        # The constant term is added as it is, and t**1 is written t: TensorFlow's gradient of
        # t**0 and t**1 at t = 0 goes through 0 * 0**-1, which is NaN.
        return lambda t: coefficients[0] + sum(
            coefficient * (t if power == 1 else t**power) for power, coefficient in enumerate(coefficients) if power > 0
        )
    if kind in ("sin", "exp"):
        inner = build_expression(node[1])
        outer = tf.sin if kind == "sin" else tf.exp
        return lambda t: outer(inner(t))
    if kind in ("mul", "add"):
        left, right = build_expression(node[1]), build_expression(node[2])
        return (lambda t: left(t) * right(t)) if kind == "mul" else (lambda t: left(t) + right(t))
    raise ValueError(f"unknown expression node {kind!r}")


def acceleration_call(context: Context, expression: list[Any], time: float, time_form: str = "float") -> dict[str, Any]:
    """time_form: "float" (a Python float) or "tensor" (a scalar float32 tf.constant), both in the contract."""
    value = tf.constant(time, dtype=tf.float32) if time_form == "tensor" else float(time)
    with recording_usage() as usage:
        result = call_student(context, "acceleration", ACCELERATION, {"position": build_expression(expression), "time": value})
    return {**describe(result), "usage": usage}


def acceleration_curve(context: Context, expression: list[Any], times: list[float]) -> dict[str, Any]:
    """The student's second derivative at many times, for the HTML report's plot (not graded)."""
    position = build_expression(expression)
    values = [float(np.asarray(call_student(context, "acceleration", ACCELERATION, {"position": position, "time": float(time)})))
              for time in times]  # fmt: skip
    return {"values": np.array(values, dtype=np.float64)}


# ----------------------------------------------------------------------------------------
# split_validation


SEED_FORMS: dict[str, Callable[[int | None], Any]] = {
    "int": lambda seed: None if seed is None else int(seed),
    "numpy": lambda seed: None if seed is None else np.int64(seed),
}


def split_validation_call(
    context: Context,
    inputs: np.ndarray,
    targets: np.ndarray,
    validation_fraction: float,
    seed: int | None,
    seed_form: str = "int",
) -> dict[str, Any]:
    """seed_form: "int" (a Python int) or "numpy" (a np.int64); a seed of None is passed as None."""
    values = {
        "inputs": inputs,
        "targets": targets,
        "validation_fraction": validation_fraction,
        "seed": SEED_FORMS[seed_form](seed),
    }
    # Each call starts TensorFlow's random state afresh, as a new program would: an op seeded with
    # `tf.random.shuffle(indices, seed=seed)` then gives the same split at every call, as it does
    # at every run. NumPy's and Python's global state go on, so that a seed ignored shows.
    tf.random.set_seed(context.seed)
    result = call_student(context, "split_validation", SPLIT_VALIDATION, values)
    try:
        (train_inputs, train_targets), (val_inputs, val_targets) = result
    except (TypeError, ValueError) as error:
        raise TypeError(
            "split_validation must return ((train_inputs, train_targets), (val_inputs, val_targets)),"
            f" received {type(result).__name__}: {error}"
        ) from None
    return {
        "train_inputs": describe(train_inputs),
        "train_targets": describe(train_targets),
        "val_inputs": describe(val_inputs),
        "val_targets": describe(val_targets),
    }


def environment(context: Context) -> dict[str, Any]:
    import platform

    gpus = tf.config.list_physical_devices("GPU")
    device = "CPU"
    if gpus:
        details = tf.config.experimental.get_device_details(gpus[0])
        device = f"GPU: {details.get('device_name', gpus[0].name)}"
    return {
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "numpy": np.__version__,
        "device": device,
    }


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
