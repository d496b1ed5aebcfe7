"""Holding out validation data with one shared shuffle.

This module follows "Monitoring loss and metrics on validation data" in the course notes.
The samples are shuffled before the split, so that a data set sorted by class gives a
validation set with every class in it, and inputs and targets are shuffled together, so
that each input keeps its own target.

Example:

```python
(train_inputs, train_targets), (val_inputs, val_targets) = split_validation(
    inputs, targets, validation_fraction=0.3, seed=0
)
model.fit(train_inputs, train_targets, validation_data=(val_inputs, val_targets))
```
"""

import numpy as np


def split_validation(inputs, targets, validation_fraction=0.3, seed=None):
    """Shuffle the samples, then split them into a training set and a validation set.

    Draw one permutation of the sample indices with
    `np.random.default_rng(seed).permutation(len(inputs))` and apply that same permutation
    to `inputs` and to `targets`. The first `int(validation_fraction * len(inputs))`
    shuffled samples are the validation set; the rest are the training set.

    Args:
        inputs: A NumPy array of shape `(num_samples, ...)`.
        targets: A NumPy array of shape `(num_samples, ...)`, one target per input.
        validation_fraction: A Python float between 0 and 1, the share of the samples
            held out for validation.
        seed: An int (a Python int, 0 included, or a NumPy integer such as `np.int64`)
            that makes the shuffle reproducible, or `None` for a random shuffle.

    Returns:
        `((train_inputs, train_targets), (val_inputs, val_targets))`, four NumPy arrays
        with the dtypes of `inputs` and `targets`.

    Follows "Monitoring loss and metrics on validation data" ("Using the `validation_data`
    argument") in the course notes.
    """
    raise NotImplementedError("Shuffle both arrays with one permutation; the first part is for validation.")
