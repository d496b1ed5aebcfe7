# Source: the fit call of keras.io's guide "Training & evaluation with the built-in methods"
#   (model.fit(..., validation_split=0.2)), used in place of the validation data the exercise gives.
# Adapted: wrapped in the exercise's functions; evaluate and predict on the validation data.
# Expected: keras_model loses the test on the validation loss only (the history then has every
#   epoch, evaluate and predict still see the validation set); the hint names validation_data.
import keras
import numpy as np


def build_model():
    return keras.Sequential([keras.layers.Dense(1)])


def train_and_evaluate(model, inputs, targets, val_inputs, val_targets, epochs=5):
    history = model.fit(inputs, targets, batch_size=16, epochs=epochs, validation_split=0.2, verbose=0)
    results = model.evaluate(val_inputs, val_targets, verbose=0)
    scores = model.predict(val_inputs, verbose=0)
    return {
        "history": history.history,
        "evaluation": results,
        "classes": [int(score >= 0.5) for score in np.ravel(scores)],
    }
