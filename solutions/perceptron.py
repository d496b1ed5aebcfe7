"""A dense layer by hand, and why layers need a non-linearity.

This module follows the notes on the perceptron and the multilayer perceptron: a dense
layer computes `activation(inputs @ W + b)`. Without an activation, two stacked layers
compute `(inputs @ W1 + b1) @ W2 + b2`, which is one linear layer with the weights
`W1 @ W2` and the bias `b1 W2 + b2` (the vector `b1` times the matrix `W2`, which TensorFlow
writes `tf.linalg.matvec(W2, b1, transpose_a=True) + b2`): depth adds nothing unless a
non-linearity sits between the layers.

Example:

```python
outputs = dense_forward(inputs, W, b, activation=tf.nn.relu)
W, b = collapse_linear_layers(W1, b1, W2, b2)
```
"""

import tensorflow as tf


def dense_forward(inputs, W, b, activation=None):
    """Return the output of a dense layer, `activation(inputs @ W + b)`.

    Multiply the inputs by the weights with `tf.matmul`, add the bias (broadcast over the
    samples), and apply `activation` to the result when one is given. With
    `activation=None` the layer is linear: return `inputs @ W + b` as it is.

    Args:
        inputs: A float32 tensor of shape `(num_samples, input_dim)`.
        W: A float32 tensor of shape `(input_dim, units)`.
        b: A float32 tensor of shape `(units,)`.
        activation: A callable applied element-wise, such as `tf.nn.relu`, or `None`.

    Returns:
        A float32 tensor of shape `(num_samples, units)`.

    Follows the notes on the perceptron ("Activation functions") and on `Dense`.
    """
    # BEGIN SOLUTION: Compute inputs @ W + b, then the activation when there is one.
    outputs = tf.matmul(inputs, W) + b
    if activation is not None:
        outputs = activation(outputs)
    return outputs
    # END SOLUTION


def collapse_linear_layers(W1, b1, W2, b2):
    """Return the weights `(W, b)` of the one linear layer that equals two stacked ones.

    Two linear layers give `(inputs @ W1 + b1) @ W2 + b2`. Expand the product: it is
    `inputs @ (W1 @ W2) + (b1 W2 + b2)`, where `b1 W2` is the vector `b1` times the matrix
    `W2`. With the rank-1 `b1` of the contract, `b1 @ W2` raises (tf.matmul wants rank 2 on
    both sides): write it `tf.linalg.matvec(W2, b1, transpose_a=True)`, or
    `tf.tensordot(b1, W2, axes=1)`, or `(b1[tf.newaxis, :] @ W2)[0]`. Return that single
    weight matrix and bias.

    Args:
        W1: A float32 tensor of shape `(input_dim, hidden_units)`.
        b1: A float32 tensor of shape `(hidden_units,)`.
        W2: A float32 tensor of shape `(hidden_units, units)`.
        b2: A float32 tensor of shape `(units,)`.

    Returns:
        A tuple `(W, b)`: a float32 tensor of shape `(input_dim, units)` and one of shape
        `(units,)`.

    Follows the notes on the multilayer perceptron ("why layers need a non-linearity").
    """
    # BEGIN SOLUTION: Multiply the weights; pass the first bias through the second layer.
    W = tf.matmul(W1, W2)
    b = tf.linalg.matvec(W2, b1, transpose_a=True) + b2
    return W, b
    # END SOLUTION
