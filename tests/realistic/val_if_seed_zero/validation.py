# Source: written for this corpus from a mistake seen in course repositories (and in issue 8):
#   `if seed: np.random.seed(seed)` treats seed 0 as "no seed", so two calls with seed=0 give
#   different splits.
# Adapted: -
# Expected: split_validation loses seed_controls_the_split (once the grader draws seed 0).
import numpy as np


def split_validation(inputs, targets, validation_fraction=0.3, seed=None):
    if seed:
        np.random.seed(seed)
    indices_permutation = np.random.permutation(len(inputs))
    shuffled_inputs = inputs[indices_permutation]
    shuffled_targets = targets[indices_permutation]
    num_validation_samples = int(validation_fraction * len(inputs))
    val_inputs = shuffled_inputs[:num_validation_samples]
    val_targets = shuffled_targets[:num_validation_samples]
    training_inputs = shuffled_inputs[num_validation_samples:]
    training_targets = shuffled_targets[num_validation_samples:]
    return (training_inputs, training_targets), (val_inputs, val_targets)
