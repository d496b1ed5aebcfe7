"""A linear classifier trained by hand with TensorFlow.

This module follows "An end-to-end example: A linear classifier in pure TensorFlow" in the
course notes. The model is an affine transformation, `predictions = inputs @ W + b`, trained
to minimize the mean squared error between its predictions and the targets. You write the
loss and one step of gradient descent, computed with `tf.GradientTape`.

Example:

```python
W = tf.Variable(tf.random.uniform(shape=(2, 1)))
b = tf.Variable(tf.zeros(shape=(1,)))
# On the notes' two point clouds, steps larger than about 0.03 diverge.
for step in range(150):
    loss = training_step(inputs, targets, W, b, learning_rate=0.02)
```
"""

import tensorflow as tf


def model(inputs, W, b):
    """Return the predictions of the linear classifier, `inputs @ W + b`.

    This function is given: you do not need to change it.

    Args:
        inputs: A float32 tensor of shape `(num_samples, input_dim)`.
        W: A float32 `tf.Variable` of shape `(input_dim, output_dim)`.
        b: A float32 `tf.Variable` of shape `(output_dim,)`.

    Returns:
        A float32 tensor of shape `(num_samples, output_dim)`.
    """
    return tf.matmul(inputs, W) + b


def square_loss(targets, predictions):
    """Return the mean squared error between `targets` and `predictions`.

    Compute the square of the difference of every element, then average these squares over
    all the elements (every sample and every output) so that the result is one number.

    Args:
        targets: A float32 tensor (or NumPy array) of any shape, for example
            `(num_samples, 1)`.
        predictions: A float32 tensor (or NumPy array) with the same shape as `targets`.

    Returns:
        A scalar (shape `()`) float32 `tf.Tensor`.

    Follows "The mean squared error loss function" in "An end-to-end example: A linear
    classifier in pure TensorFlow" in the course notes.
    """
    # BEGIN SOLUTION: Return the mean of the squared differences, a scalar tensor.
    per_sample_losses = tf.square(targets - predictions)
    return tf.reduce_mean(per_sample_losses)
    # END SOLUTION


def training_step(inputs, targets, W, b, learning_rate=0.1):
    """Run one step of gradient descent on `W` and `b`, and return the loss before the step.

    Compute the predictions with `model` and the loss with `square_loss` inside a
    `tf.GradientTape`, take the gradient of the loss with respect to `W` and `b`, then move
    each variable in place against its gradient: `W.assign_sub(learning_rate * gradient)`.
    Call the module's own `model` and `square_loss`, and do not create new variables.
    The function must also work when it is wrapped in `tf.function`.

    Args:
        inputs: A float32 tensor of shape `(num_samples, input_dim)`.
        targets: A float32 tensor of shape `(num_samples, output_dim)`.
        W: A float32 `tf.Variable` of shape `(input_dim, output_dim)`, updated in place.
        b: A float32 `tf.Variable` of shape `(output_dim,)`, updated in place.
        learning_rate: A Python float, the size of the step.

    Returns:
        A scalar float32 tensor: the loss of the predictions made with `W` and `b` as they
        were before this step.

    Follows "The training step function" in "An end-to-end example: A linear classifier in
    pure TensorFlow" in the course notes.
    """
    # BEGIN SOLUTION: Compute the loss under a GradientTape, then update W and b with assign_sub.
    # The forward pass runs inside the tape, so that the tape records the operations.
    with tf.GradientTape() as tape:
        predictions = model(inputs, W, b)
        loss = square_loss(targets, predictions)
    # The tape gives the gradient of the loss with respect to each variable.
    gradient_of_loss_wrt_W, gradient_of_loss_wrt_b = tape.gradient(loss, [W, b])
    # Each variable moves a small step against its gradient, in place.
    W.assign_sub(learning_rate * gradient_of_loss_wrt_W)
    b.assign_sub(learning_rate * gradient_of_loss_wrt_b)
    return loss
    # END SOLUTION
