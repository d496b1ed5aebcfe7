# Source: written for this corpus from a mistake seen in course repositories: the validation size
#   rounded to the nearest integer, round(validation_fraction * n), instead of int(), so it is one
#   too large whenever the fractional part is above one half (e.g. n = 9, fraction 0.3: 3, not 2).
# Adapted: -
# Expected: split_validation loses sizes_are_exact, with the off-by-one hint.
import numpy as np


def split_validation(inputs, targets, validation_fraction=0.3, seed=None):
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(inputs))
    n_val = round(validation_fraction * len(inputs))
    inputs, targets = inputs[order], targets[order]
    return (inputs[n_val:], targets[n_val:]), (inputs[:n_val], targets[:n_val])
