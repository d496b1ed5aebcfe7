# Source: written for this corpus from a mistake seen in course repositories: the mean is taken
#   over axis 0 (the samples) only, so a (N, 1) column gives a loss of shape (1,) and a (N, k)
#   matrix a vector of k losses; on (N,) vectors it happens to be right.
# Adapted: -
# Expected: square_loss loses the tests on scalar shape, columns and matrices; training_step full
#   marks (graded alone, with a correct square_loss).
import tensorflow as tf


def model(inputs, W, b):
    return tf.matmul(inputs, W) + b


def square_loss(targets, predictions):
    per_sample_losses = tf.square(targets - predictions)
    return tf.reduce_mean(per_sample_losses, axis=0)


def training_step(inputs, targets, W, b, learning_rate=0.1):
    with tf.GradientTape() as tape:
        predictions = model(inputs, W, b)
        loss = square_loss(targets, predictions)
    grad_loss_wrt_W, grad_loss_wrt_b = tape.gradient(loss, [W, b])
    W.assign_sub(grad_loss_wrt_W * learning_rate)
    b.assign_sub(grad_loss_wrt_b * learning_rate)
    return loss
