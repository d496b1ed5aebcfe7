# Source: written for this corpus (a style of issue 8 section 4): the legacy
#   np.random.RandomState(seed).permutation, and the split made with np.split at the validation
#   size.
# Adapted: -
# Expected: full marks for split_validation.
import numpy as np


def split_validation(inputs, targets, validation_fraction=0.3, seed=None):
    permutation = np.random.RandomState(seed).permutation(len(inputs))
    n_val = int(validation_fraction * len(inputs))
    val_idx, train_idx = np.split(permutation, [n_val])
    return (inputs[train_idx], targets[train_idx]), (inputs[val_idx], targets[val_idx])
