"""keras_model's measures of the student's model after train_and_evaluate, two ways side by side in one process:
`evaluate`/`predict` (a tf.data pipeline per call) and `test_on_batch`/`predict_on_batch` (one batch, none).

    .venv/bin/python benchmarks/one_batch.py [--seeds 8]

Per seed: the suite's data (grader/packs/keras_model), a one-unit model compiled as the probe compiles it, fitted
for 2 epochs and evaluated once as a student's train_and_evaluate would (so both ways find the test function
traced). It fails unless every measure is the same bit for bit both ways: the validation evaluation (20 samples) and
scores go one batch; the training evaluation (60 samples, two of evaluate's batches of 32) stays `evaluate`, and
the script counts the seeds where one batch of 60 would have differed (why it stays). Prints the seconds of each
way and their ratio.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import keras
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.packs.keras_model.suite import data  # noqa: E402


def fitted(seed: int, part: dict[str, np.ndarray]) -> keras.Model:
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input(shape=(part["inputs"].shape[1],)), keras.layers.Dense(1)])
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=0.1), loss="mean_squared_error", metrics=["accuracy"]
    )
    model.fit(part["inputs"], part["targets"], epochs=2, batch_size=16, verbose=0)
    model.evaluate(part["val_inputs"], part["val_targets"], verbose=0)
    return model


def with_pipelines(model: keras.Model, part: dict[str, np.ndarray]) -> dict[str, Any]:
    return {
        "validation": np.asarray(model.evaluate(part["val_inputs"], part["val_targets"], verbose=0)),
        "training": np.asarray(model.evaluate(part["inputs"], part["targets"], verbose=0)),
        "scores": np.asarray(model.predict(part["val_inputs"], verbose=0)),
    }


def one_batch(model: keras.Model, part: dict[str, np.ndarray]) -> dict[str, Any]:
    """What the probe does now: one batch where evaluate's batches of 32 hold the whole set (the validation part)."""
    return {
        "validation": np.asarray(model.test_on_batch(part["val_inputs"], part["val_targets"])),
        "training": np.asarray(model.evaluate(part["inputs"], part["targets"], verbose=0)),
        "scores": np.asarray(model.predict_on_batch(part["val_inputs"])),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=8)
    seeds = parser.parse_args().seeds
    ways = {"evaluate/predict": with_pipelines, "on_batch": one_batch}
    seconds = dict.fromkeys(ways, 0.0)
    training_same = 0
    for seed in range(seeds):
        part = data(seed)
        model = fitted(seed, part)
        answers = {}
        for name in list(ways) if seed % 2 else list(reversed(ways)):
            started = time.perf_counter()
            answers[name] = ways[name](model, part)
            seconds[name] += time.perf_counter() - started
        old, new = answers.values()
        for key in ("validation", "scores"):
            if not np.array_equal(old[key], new[key]):
                raise SystemExit(f"seed {seed}: {key} differs: {old[key]} against {new[key]}")
        if not np.array_equal(old["training"], new["training"]):
            raise SystemExit(f"seed {seed}: the training evaluation differs")
        whole = np.asarray(model.test_on_batch(part["inputs"], part["targets"]))
        training_same += bool(np.array_equal(old["training"], whole))
    print(f"every measure the same bit for bit on {seeds} seeds;"
          f" the training evaluation as one batch would be the same on {training_same} of {seeds} only")  # fmt: skip
    for name, total in seconds.items():
        print(f"{name:<18} {total:7.2f} s")
    print(f"on_batch / evaluate-predict: {seconds['on_batch'] / seconds['evaluate/predict']:.3f}")


if __name__ == "__main__":
    main()
