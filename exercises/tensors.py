"""Constant tensors and variables.

This module follows "Constant tensors and variables" in the course notes. A TensorFlow
tensor is a constant: you cannot assign to one of its entries. A `tf.Variable` holds a
mutable state instead: its value changes in place with `assign`, `assign_add` and
`assign_sub`, and one of its entries changes with a slice, `variable[0, 0].assign(...)`.

Example:

```python
ones, zeros, normal = constant_tensors(shape=(3, 1), seed=0)
variable = tf.Variable(tf.zeros((3, 1)))
updated = update_variable(variable, tf.ones((3, 1)), tf.ones((3, 1)), 3.0)
updated is variable  # True: the same Variable, changed in place.
```
"""

import tensorflow as tf


def constant_tensors(shape, seed):
    """Return three float32 tensors of the given shape: all ones, all zeros, and random normal.

    Build them with `tf.ones`, `tf.zeros` and `tf.random.normal` (mean 0, standard
    deviation 1). Pass `seed` to `tf.random.normal`, so that the same seed gives the same
    random values, and different seeds give different ones.

    Args:
        shape: A tuple of Python ints, for example `(3, 1)`.
        seed: A Python int.

    Returns:
        A tuple `(ones, zeros, normal)` of three float32 `tf.Tensor`s of shape `shape`.

    Follows "All-ones or all-zeros tensors" and "Random tensors" in the course notes.
    """
    raise NotImplementedError("Build the three tensors with tf.ones, tf.zeros and a seeded tf.random.normal.")


def update_variable(variable, values, increment, corner_value):
    """Change `variable` in place: assign `values`, add `increment`, then set its first entry.

    In this order: replace the whole value of `variable` with `values` (`assign`), add
    `increment` to it (`assign_add`), then set its entry `[0, 0]` to `corner_value` with a
    slice assignment. Do not create a new `tf.Variable`: the caller keeps a reference to
    this one, and a model's weights are updated the same way during training.

    The notes' listings show the slice assignment before `assign_add`; this exercise asks
    for it last, so that entry `[0, 0]` ends up exactly `corner_value` (set first, it would
    get the increment added too).

    Args:
        variable: A float32 `tf.Variable` of rank 2, for example of shape `(3, 1)`.
        values: A float32 tensor with the shape of `variable`.
        increment: A float32 tensor with the shape of `variable`.
        corner_value: A Python float.

    Returns:
        `variable` itself, after the three updates.

    Follows "Assigning a value to a TensorFlow variable", "Assigning a value to a subset of a
    TensorFlow variable" and "Using assign_add" in the course notes.
    """
    raise NotImplementedError("Update the same Variable with assign, assign_add and a slice assign.")
