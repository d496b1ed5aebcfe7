# Source: written for this corpus from a mistake seen in course repositories: the student uses
#   Keras' function keras.losses.mean_squared_error, which averages over the last axis only and
#   returns one loss per sample, as the loss (not the MeanSquaredError class, which reduces to a
#   scalar).
# Adapted: -
# Expected: square_loss loses the tests on a scalar result, columns, matrices, the gradient,
#   symmetry and hidden inputs (right on (N,) vectors only); training_step full marks (graded
#   alone, with a correct square_loss).
import keras
import tensorflow as tf


def model(inputs, W, b):
    return tf.matmul(inputs, W) + b


def square_loss(targets, predictions):
    return keras.losses.mean_squared_error(targets, predictions)


def training_step(inputs, targets, W, b, learning_rate=0.1):
    with tf.GradientTape() as tape:
        loss = square_loss(targets, model(inputs, W, b))
    grad_W, grad_b = tape.gradient(loss, [W, b])
    W.assign_sub(learning_rate * grad_W)
    b.assign_sub(learning_rate * grad_b)
    return loss
