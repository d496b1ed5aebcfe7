# Source: modelled on the NumPy random-mask split of "How to Split a Dataset Into Training and
#   Testing Sets with Python" (towardsdatascience.com, b146b1649830) and the answers it follows,
#   msk = np.random.rand(len(df)) < 0.8; train = df[msk]; test = df[~msk] (rewritten for this
#   corpus, not copied): every sample goes to the training part with probability 1 - fraction, so
#   the sizes are random and each part keeps the original order.
# Adapted: NumPy arrays instead of a DataFrame; np.random.seed(seed) when a seed is given; the
#   threshold is 1 - validation_fraction.
# Expected: split_validation loses sizes_are_exact and split_is_shuffled.
import numpy as np


def split_validation(inputs, targets, validation_fraction=0.3, seed=None):
    if seed is not None:
        np.random.seed(seed)
    msk = np.random.rand(len(inputs)) < 1 - validation_fraction
    train_inputs, train_targets = inputs[msk], targets[msk]
    val_inputs, val_targets = inputs[~msk], targets[~msk]
    return (train_inputs, train_targets), (val_inputs, val_targets)
