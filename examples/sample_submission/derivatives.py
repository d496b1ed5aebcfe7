"""The first derivative of a function at a constant input, with `tape.watch`.

This module follows "Using `GradientTape` with constant tensor inputs" in the course notes.
A `tf.GradientTape` records the operations on trainable variables only; to differentiate
with respect to a constant tensor, the tape must be told to `watch` it first. Without the
`watch`, `tape.gradient` returns `None`.

Example:

```python
first_derivative(lambda x: x**3, 2.0)  # A scalar float32 tensor, 12.0.
```
"""

import tensorflow as tf


def first_derivative(function, point):
    """Return the derivative of `function` at `point`.

    Convert `point` to a float32 constant with `tf.constant(point, dtype=tf.float32)`, open
    a `tf.GradientTape`, `watch` the constant, compute `function` of it inside the tape, and
    return the tape's gradient of the result with respect to the constant. When `point`
    holds several values, `function` is applied element-wise and the result holds the
    derivative at each of them.

    Args:
        function: A Python callable that maps a float32 tensor to a float32 tensor of the
            same shape, element-wise, for example `lambda x: x**3`.
        point: A Python float, a list of floats, or a float32 tensor (of any shape).

    Returns:
        A float32 `tf.Tensor` with the shape of `point`.

    Follows "Using `GradientTape` with constant tensor inputs" in the course notes.
    """
    point_tensor = tf.constant(point, dtype=tf.float32)
    with tf.GradientTape() as tape:
        result = function(point_tensor)
    return tape.gradient(result, point_tensor)
