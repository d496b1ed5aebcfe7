# Source: Deep Learning with Python 2nd ed., ch. 3, "Using the validation_data argument",
#   model.evaluate and model.predict listings (course notes), wrapped in the two functions.
# Adapted: the notes' calls kept as they are (fit prints its progress bar, evaluate and predict use
#   batch_size=128), the History's .history returned as it is, classes by `> 0.5` on the scores.
# Expected: full marks (fit's progress output, numpy values in the returned dict and a strict
#   comparison at 0.5 are all correct ways).
from tensorflow import keras


def build_model():
    model = keras.Sequential([keras.layers.Dense(1)])
    return model


def train_and_evaluate(model, inputs, targets, val_inputs, val_targets, epochs=5):
    history = model.fit(
        inputs,
        targets,
        epochs=epochs,
        batch_size=16,
        validation_data=(val_inputs, val_targets),
    )
    loss_and_metrics = model.evaluate(val_inputs, val_targets, batch_size=128)
    predictions = model.predict(val_inputs, batch_size=128)
    return {
        "history": history.history,
        "evaluation": loss_and_metrics,
        "classes": (predictions > 0.5).astype("int32").flatten().tolist(),
    }
