"""The anchor: what an instructor would otherwise write, a plain nbgrader course with `assert` test cells.

One notebook for the chapter's exercises (every module of solutions/), written the way nbgrader's documentation shows
an autograded assignment: a solution cell per module (`### BEGIN SOLUTION` / `### END
SOLUTION`), then locked autograder test cells worth points, each a docstring and a few
`assert` statements against values computed in the cell. No sandbox, no grader: the student's
code runs in nbgrader's kernel. Each student's notebook is the released one with the student's
modules typed into the solution cells, in nbgrader's `submitted/<student>/<assignment>/`.
"""

from __future__ import annotations

import copy
import json
import textwrap
from pathlib import Path
from typing import Any

from benchmarks.classroom import MODULES

ASSIGNMENT = "ps1"
NOTEBOOK = "keras_intro.ipynb"
COURSE_ID = "keras-intro-plain"

CONFIG = f'''\
import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821
os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
os.environ.setdefault("JUPYTER_PREFER_ENV_PATH", "1")
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
c.CourseDirectory.course_id = "{COURSE_ID}"
c.CourseDirectory.root = str(Path(__file__).resolve().parent)
c.Execute.timeout = 300
c.ExecutePreprocessor.timeout = 300
'''

SETUP = """\
import numpy as np
import tensorflow as tf
import keras
"""

# (grade_id, points, source): the autograder test cells, in the style of nbgrader's documentation.
TESTS: tuple[tuple[str, int, str], ...] = (
    (
        "square_loss_scalar",
        3,
        '''
        """Check that square_loss returns a scalar float32 tensor"""
        loss = square_loss(np.ones((3, 1), "float32"), np.zeros((3, 1), "float32"))
        assert isinstance(loss, tf.Tensor)
        assert tuple(loss.shape) == ()
        assert loss.dtype == tf.float32
    ''',
    ),
    (
        "square_loss_values",
        9,
        '''
        """Check that square_loss is the mean of the squared differences"""
        targets = np.array([[0.0], [1.0], [1.0]], "float32")
        predictions = np.array([[0.1], [0.8], [1.3]], "float32")
        assert np.allclose(square_loss(targets, predictions), np.mean((targets - predictions) ** 2))
        rng = np.random.default_rng(0)
        targets, predictions = rng.normal(size=(5, 3)).astype("float32"), rng.normal(size=(5, 3)).astype("float32")
        assert np.allclose(square_loss(targets, predictions), np.mean((targets - predictions) ** 2), rtol=1e-5)
        assert np.allclose(square_loss(targets, predictions), square_loss(predictions, targets))
    ''',
    ),
    (
        "training_step_loss",
        5,
        '''
        """Check that training_step returns the loss before the update"""
        inputs = np.array([[1.0, 2.0], [3.0, 4.0], [0.5, -1.0]], "float32")
        targets = np.array([[1.0], [0.0], [1.0]], "float32")
        W = tf.Variable(np.full((2, 1), 0.5, "float32"))
        b = tf.Variable(np.zeros((1,), "float32"))
        expected = np.mean((inputs @ W.numpy() + b.numpy() - targets) ** 2)
        assert np.allclose(training_step(inputs, targets, W, b, learning_rate=0.1), expected, rtol=1e-5)
    ''',
    ),
    (
        "training_step_update",
        11,
        '''
        """Check that training_step moves W and b in place against the gradient"""
        inputs = np.array([[1.0, 2.0], [3.0, 4.0], [0.5, -1.0]], "float32")
        targets = np.array([[1.0], [0.0], [1.0]], "float32")
        W = tf.Variable(np.full((2, 1), 0.5, "float32"))
        b = tf.Variable(np.zeros((1,), "float32"))
        errors = inputs @ W.numpy() + b.numpy() - targets
        grad_W = 2 * inputs.T @ errors / errors.size
        grad_b = 2 * errors.sum(axis=0) / errors.size
        W_before, b_before, W_object = W.numpy(), b.numpy(), W
        training_step(inputs, targets, W, b, learning_rate=0.1)
        assert W is W_object
        assert np.allclose(W.numpy(), W_before - 0.1 * grad_W, rtol=1e-4, atol=1e-5)
        assert np.allclose(b.numpy(), b_before - 0.1 * grad_b, rtol=1e-4, atol=1e-5)
    ''',
    ),
    (
        "simple_dense_build",
        7,
        '''
        """Check that SimpleDense creates its weights on the first call, with the right shapes"""
        layer = SimpleDense(units=4)
        assert not layer.weights
        outputs = layer(np.ones((2, 3), "float32"))
        assert tuple(outputs.shape) == (2, 4)
        assert tuple(layer.W.shape) == (3, 4) and tuple(layer.b.shape) == (4,)
        assert np.allclose(layer.b.numpy(), 0.0)
        assert 0.0 < np.std(layer.W.numpy()) < 0.2
    ''',
    ),
    (
        "simple_dense_call",
        7,
        '''
        """Check that SimpleDense computes activation(inputs @ W + b)"""
        inputs = np.random.default_rng(1).normal(size=(5, 3)).astype("float32")
        layer = SimpleDense(units=2, activation="relu")
        outputs = layer(inputs)
        expected = np.maximum(inputs @ layer.W.numpy() + layer.b.numpy(), 0.0)
        assert np.allclose(outputs, expected, atol=1e-6)
        linear = SimpleDense(units=2)
        assert np.allclose(linear(inputs), inputs @ linear.W.numpy() + linear.b.numpy(), atol=1e-6)
    ''',
    ),
    (
        "acceleration_values",
        10,
        '''
        """Check that acceleration is the second derivative of the position"""
        value = acceleration(lambda t: 4.9 * t**2, 1.0)
        assert isinstance(value, tf.Tensor) and value.dtype == tf.float32 and tuple(value.shape) == ()
        assert np.isclose(float(value), 9.8, atol=1e-4)
        assert np.isclose(float(acceleration(lambda t: t**3, 2.0)), 12.0, atol=1e-3)
        assert np.isclose(float(acceleration(lambda t: tf.sin(t), 0.5)), -np.sin(0.5), atol=1e-5)
    ''',
    ),
    (
        "split_validation_sizes",
        8,
        '''
        """Check the sizes of the training and validation sets, and that no sample is lost"""
        inputs = np.arange(20).reshape(10, 2)
        targets = np.arange(10)
        (train_inputs, train_targets), (val_inputs, val_targets) = split_validation(inputs, targets, 0.3, seed=0)
        assert len(val_inputs) == len(val_targets) == 3
        assert len(train_inputs) == len(train_targets) == 7
        assert np.array_equal(np.sort(np.concatenate([train_targets, val_targets])), targets)
        assert np.array_equal(train_inputs[:, 0] // 2, train_targets)
    ''',
    ),
    (
        "split_validation_seed",
        8,
        '''
        """Check that the split shuffles with the seed, as np.random.default_rng(seed).permutation does"""
        inputs = np.arange(40).reshape(20, 2)
        targets = np.arange(20)
        permutation = np.random.default_rng(7).permutation(20)
        (_, train_targets), (_, val_targets) = split_validation(inputs, targets, 0.25, seed=7)
        assert np.array_equal(val_targets, targets[permutation[:5]])
        assert np.array_equal(train_targets, targets[permutation[5:]])
    ''',
    ),
    (
        "constant_tensors_values",
        5,
        '''
        """Check the ones, the zeros and the seeded normal tensor"""
        ones, zeros, normal = constant_tensors((3, 2), seed=4)
        for tensor in (ones, zeros, normal):
            assert tuple(tensor.shape) == (3, 2) and tensor.dtype == tf.float32
        assert np.all(ones.numpy() == 1.0) and np.all(zeros.numpy() == 0.0)
        assert np.std(constant_tensors((200, 1), seed=5)[2].numpy()) > 0.5
    ''',
    ),
    (
        "update_variable_in_place",
        5,
        '''
        """Check that update_variable assigns, adds and sets the corner of the same Variable"""
        variable = tf.Variable(np.zeros((3, 1), "float32"))
        values = np.full((3, 1), 2.0, "float32")
        increment = np.ones((3, 1), "float32")
        returned = update_variable(variable, values, increment, 7.0)
        assert returned is variable
        assert np.allclose(variable.numpy(), [[7.0], [3.0], [3.0]])
    ''',
    ),
    (
        "first_derivative_values",
        10,
        '''
        """Check the first derivative at constant points"""
        value = first_derivative(lambda x: x**3, 2.0)
        assert value is not None and value.dtype == tf.float32
        assert np.isclose(float(value), 12.0, atol=1e-4)
        assert np.allclose(first_derivative(lambda x: tf.sin(x), [0.0, 1.0]), np.cos([0.0, 1.0]), atol=1e-5)
    ''',
    ),
    (
        "dense_forward_values",
        5,
        '''
        """Check that dense_forward computes activation(inputs @ W + b)"""
        rng = np.random.default_rng(2)
        inputs = rng.normal(size=(4, 3)).astype("float32")
        W, b = rng.normal(size=(3, 2)).astype("float32"), rng.normal(size=(2,)).astype("float32")
        assert np.allclose(dense_forward(inputs, W, b), inputs @ W + b, atol=1e-5)
        assert np.allclose(dense_forward(inputs, W, b, tf.nn.relu), np.maximum(inputs @ W + b, 0.0), atol=1e-5)
    ''',
    ),
    (
        "collapse_linear_layers_values",
        5,
        '''
        """Check that two linear layers collapse to one"""
        rng = np.random.default_rng(3)
        W1, b1 = rng.normal(size=(3, 4)).astype("float32"), rng.normal(size=(4,)).astype("float32")
        W2, b2 = rng.normal(size=(4, 2)).astype("float32"), rng.normal(size=(2,)).astype("float32")
        inputs = rng.normal(size=(5, 3)).astype("float32")
        W, b = collapse_linear_layers(W1, b1, W2, b2)
        assert np.allclose(inputs @ np.asarray(W) + np.asarray(b), (inputs @ W1 + b1) @ W2 + b2, atol=1e-4)
    ''',
    ),
    (
        "keras_model_fit",
        10,
        '''
        """Check that build_model is uncompiled and that train_and_evaluate fits with validation data"""
        rng = np.random.default_rng(4)
        negative = rng.multivariate_normal([0, 3], [[1, 0.5], [0.5, 1]], size=40)
        positive = rng.multivariate_normal([3, 0], [[1, 0.5], [0.5, 1]], size=40)
        inputs = np.vstack([negative, positive]).astype("float32")
        targets = np.vstack([np.zeros((40, 1)), np.ones((40, 1))]).astype("float32")
        order = rng.permutation(80)
        inputs, targets = (inputs[order] - inputs.mean(axis=0)) / inputs.std(axis=0), targets[order]
        model = build_model()
        assert isinstance(model, keras.Sequential) and not model.compiled
        model.compile(optimizer=keras.optimizers.RMSprop(0.1), loss="mean_squared_error", metrics=["accuracy"])
        results = train_and_evaluate(model, inputs[20:], targets[20:], inputs[:20], targets[:20], epochs=3)
        assert len(results["history"]["val_loss"]) == 3
        assert np.isclose(results["history"]["val_loss"][-1], results["evaluation"][0], rtol=1e-3)
        assert len(results["classes"]) == 20 and set(results["classes"]) <= {0, 1}
    ''',
    ),
    (
        "sequential_add_pop",
        10,
        '''
        """Check a Sequential built with add and shortened with pop"""
        model = stack_dense_layers([4, 3, 1], activation="relu")
        assert isinstance(model, keras.Sequential) and len(model.weights) == 0
        assert [layer.units for layer in model.layers] == [4, 3, 1]
        model.build((None, 2))
        assert len(model.weights) == 6
        same = remove_last_layer(model)
        assert same is model and [layer.units for layer in model.layers] == [4, 3]
    ''',
    ),
    (
        "layer_shapes_values",
        10,
        '''
        """Check the output shapes of Dense and LSTM"""
        assert tuple(dense_output_shape((8, 3), 4)) == (8, 4)
        assert tuple(dense_output_shape((8, 10, 3), 4)) == (8, 10, 4)
        assert tuple(lstm_output_shape((8, 10, 3), 5, False)) == (8, 5)
        assert tuple(lstm_output_shape((8, 10, 3), 5, True)) == (8, 10, 5)
    ''',
    ),
)


def _cell(kind: str, source: str, nbgrader: dict[str, Any] | None = None) -> dict[str, Any]:
    cell: dict[str, Any] = {"cell_type": kind, "metadata": {}, "source": source}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    if nbgrader is not None:
        cell["metadata"]["nbgrader"] = {"schema_version": 3, "task": False, **nbgrader}
    return cell


def module_text(path: Path) -> str:
    """A module as a student types it into a cell (lines of the course's own solution markers left out)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if "BEGIN SOLUTION" not in line and "END SOLUTION" not in line)


def source_notebook(solutions: Path) -> dict[str, Any]:
    cells = [_cell("markdown", "# Introduction to Keras and TensorFlow (plain nbgrader)"), _cell("code", SETUP)]
    for module in MODULES:
        body = f"### BEGIN SOLUTION\n{module_text(solutions / f'{module}.py')}\n### END SOLUTION"
        cells.append(_cell("code", body, {"grade": False, "solution": True, "locked": False, "grade_id": module}))
    for grade_id, points, source in TESTS:
        cells.append(
            _cell(
                "code",
                textwrap.dedent(source).strip(),
                {"grade": True, "solution": False, "locked": True, "grade_id": grade_id, "points": points},
            )
        )
    kernel = {"display_name": "Python 3", "language": "python", "name": "python3"}
    return {"cells": cells, "metadata": {"kernelspec": kernel}, "nbformat": 4, "nbformat_minor": 5}


def write_course(course_dir: Path, solutions: Path) -> None:
    """nbgrader_config.py and source/ps1/keras_intro.ipynb (then run `nbgrader generate_assignment ps1`)."""
    (course_dir / "source" / ASSIGNMENT).mkdir(parents=True)
    (course_dir / "nbgrader_config.py").write_text(CONFIG, encoding="utf-8")
    notebook = source_notebook(solutions)
    (course_dir / "source" / ASSIGNMENT / NOTEBOOK).write_text(json.dumps(notebook, indent=1), encoding="utf-8")


def submit(course_dir: Path, students: list[tuple[str, Path]]) -> None:
    """Each student's modules typed into the released notebook's solution cells, in submitted/."""
    released = json.loads((course_dir / "release" / ASSIGNMENT / NOTEBOOK).read_text(encoding="utf-8"))
    for student, folder in students:
        notebook = copy.deepcopy(released)
        for cell in notebook["cells"]:
            meta = cell["metadata"].get("nbgrader", {})
            if meta.get("solution"):
                cell["source"] = module_text(folder / f"{meta['grade_id']}.py")
        target = course_dir / "submitted" / student / ASSIGNMENT
        target.mkdir(parents=True)
        (target / NOTEBOOK).write_text(json.dumps(notebook, indent=1), encoding="utf-8")
