# Source: written for this corpus from a mistake seen in course repositories (pennylane-style
#   "loss = loss / len(labels)"): the sum of the squared differences divided by the number of
#   samples, len(targets), instead of the number of elements; right on (N,) and (N, 1), k times
#   too large on (N, k).
# Adapted: -
# Expected: square_loss loses matches_reference_matrix (and the hidden inputs where they have
#   several columns); training_step full marks.
import tensorflow as tf


def model(inputs, W, b):
    return tf.matmul(inputs, W) + b


def square_loss(targets, predictions):
    loss = tf.reduce_sum(tf.square(targets - predictions))
    return loss / len(targets)


def training_step(inputs, targets, W, b, learning_rate=0.1):
    with tf.GradientTape() as tape:
        loss = square_loss(targets, model(inputs, W, b))
    grad_W, grad_b = tape.gradient(loss, [W, b])
    W.assign_sub(learning_rate * grad_W)
    b.assign_sub(learning_rate * grad_b)
    return loss
