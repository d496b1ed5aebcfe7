# Source: the kit's own stubs (exercises/gradients.py) as a student receives them, docstrings kept, each
#   NotImplementedError replaced by the student's code, written for this corpus: tf.convert_to_tensor for the time, both tapes watching it.
# Adapted: -
# Expected: full marks on every exercise (100/100 with the hidden tests).
"""Second derivatives with nested gradient tapes.

This module follows "Using nested gradient tapes to compute second-order gradients" in the
course notes: the gradient of a position with respect to time is a speed, and the gradient
of the speed is an acceleration. An outer `tf.GradientTape` records the computation of the
inner tape's gradient, so that it can differentiate it once more.

Example:

```python
acceleration(lambda time: 4.9 * time**2, 0.0)  # A scalar float32 tensor, 9.8.
```
"""

import tensorflow as tf


def acceleration(position, time):
    """Return the second derivative of `position` with respect to time, at `time`.

    Convert `time` to a float32 constant with `tf.constant(time, dtype=tf.float32)`. Open an
    outer and an inner `tf.GradientTape`, and `watch` the constant in both (a constant is
    not recorded unless it is watched). Inside the inner tape, compute the position; the
    inner tape's gradient is the speed, and the outer tape's gradient of the speed is the
    acceleration.

    Args:
        position: A Python callable that maps a scalar float32 tensor (the time) to a
            scalar float32 tensor (the position), for example `lambda t: 4.9 * t**2`.
        time: A Python float or a scalar float32 tensor.

    Returns:
        A scalar (shape `()`) float32 `tf.Tensor`.

    Follows "Using nested gradient tapes to compute second-order gradients" and "Using
    `GradientTape` with constant tensor inputs" in the course notes.
    """
    t = tf.convert_to_tensor(time, dtype=tf.float32)
    with tf.GradientTape() as outer:
        outer.watch(t)
        with tf.GradientTape() as inner:
            inner.watch(t)
            x = position(t)
        v = inner.gradient(x, t)  # speed
    a = outer.gradient(v, t)  # acceleration
    return a
