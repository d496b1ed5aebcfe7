# Source: written for this corpus (a style of issue 8 section 4): np.random.default_rng(seed),
#   an index array shuffled in place with rng.shuffle, np.take along axis 0.
# Adapted: -
# Expected: full marks for split_validation.
import numpy as np


def split_validation(inputs, targets, validation_fraction=0.3, seed=None):
    rng = np.random.default_rng(seed)
    indices = np.arange(len(inputs))
    rng.shuffle(indices)
    k = int(validation_fraction * len(inputs))
    val_idx, train_idx = indices[:k], indices[k:]
    return (
        (np.take(inputs, train_idx, axis=0), np.take(targets, train_idx, axis=0)),
        (np.take(inputs, val_idx, axis=0), np.take(targets, val_idx, axis=0)),
    )
