# Source: written for this corpus (issue 8 section 2, "extra defaulted parameters"): the student's
#   square_loss takes an extra `axis=None` passed on to tf.reduce_mean, and training_step an extra
#   `verbose=False` that prints the loss; training_step calls the loss with the extra argument,
#   square_loss(targets, predictions, axis=None).
# Adapted: -
# Expected: full marks for square_loss and training_step.
import tensorflow as tf


def model(inputs, W, b):
    return tf.matmul(inputs, W) + b


def square_loss(targets, predictions, axis=None):
    return tf.reduce_mean(tf.square(targets - predictions), axis=axis)


def training_step(inputs, targets, W, b, learning_rate=0.1, verbose=False):
    with tf.GradientTape() as tape:
        predictions = model(inputs, W, b)
        loss = square_loss(targets, predictions, axis=None)
    grad_W, grad_b = tape.gradient(loss, [W, b])
    W.assign_sub(learning_rate * grad_W)
    b.assign_sub(learning_rate * grad_b)
    if verbose:
        print("loss:", float(loss))
    return loss
