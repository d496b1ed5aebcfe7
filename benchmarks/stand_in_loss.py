"""The training_step stand-in loss, two forms side by side in one process: `keras.losses.MeanSquaredError()`
built on every step (the old stand-in) and `tf.reduce_mean(keras.losses.mean_squared_error(...))` (the new).

    .venv/bin/python benchmarks/stand_in_loss.py [--seeds 12] [--steps 150]

Each seed runs the suite's kind of training loop (a linear model, `steps` gradient-descent steps) with both
forms, in alternating order; it fails unless the losses, W and b are the same bit for bit, and prints the
seconds of each form and their ratio.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import keras
import numpy as np
import tensorflow as tf

Loss = Callable[[tf.Tensor, tf.Tensor], tf.Tensor]


def built_each_step(targets: tf.Tensor, predictions: tf.Tensor) -> tf.Tensor:
    return keras.losses.MeanSquaredError()(targets, predictions)


def functional(targets: tf.Tensor, predictions: tf.Tensor) -> tf.Tensor:
    return tf.reduce_mean(keras.losses.mean_squared_error(targets, predictions))


def train(loss_of: Loss, seed: int, steps: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Losses, W and b after `steps` steps of learning rate 0.1 on inputs drawn from `seed`."""
    rng = np.random.default_rng(seed)
    samples, features = int(rng.integers(20, 200)), int(rng.integers(1, 5))
    inputs = tf.constant(rng.normal(size=(samples, features)).astype(np.float32))
    targets = tf.constant(rng.normal(size=(samples, 1)).astype(np.float32))
    W = tf.Variable(rng.normal(size=(features, 1)).astype(np.float32))
    b = tf.Variable(np.zeros(1, np.float32))
    losses = []
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = loss_of(targets, tf.matmul(inputs, W) + b)
        grad_W, grad_b = tape.gradient(loss, [W, b])
        W.assign_sub(0.1 * grad_W)
        b.assign_sub(0.1 * grad_b)
        losses.append(float(loss.numpy()))
    return np.array(losses), W.numpy(), b.numpy()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=12)
    parser.add_argument("--steps", type=int, default=150)
    arguments = parser.parse_args()
    forms: dict[str, Loss] = {"built each step": built_each_step, "functional": functional}
    for form in forms.values():
        train(form, 0, 3)  # both traced and warm before anything is timed
    seconds = dict.fromkeys(forms, 0.0)
    for seed in range(arguments.seeds):
        order = list(forms) if seed % 2 else list(reversed(forms))
        answers = {}
        for name in order:
            started = time.perf_counter()
            answers[name] = train(forms[name], seed, arguments.steps)
            seconds[name] += time.perf_counter() - started
        old, new = answers.values()
        if not all(np.array_equal(a, b) for a, b in zip(old, new, strict=True)):
            raise SystemExit(f"seed {seed}: the two forms differ")
    print(f"same losses, W and b bit for bit on {arguments.seeds} seeds x {arguments.steps} steps")
    for name, total in seconds.items():
        print(f"{name:<16} {total:7.2f} s")
    print(f"functional / built each step: {seconds['functional'] / seconds['built each step']:.3f}")


if __name__ == "__main__":
    main()
