# Source: written for this corpus from a mistake seen in course repositories: the student asks the
#   tape for the gradient of W only and never updates b (the bias gradient is forgotten).
# Adapted: -
# Expected: square_loss full marks; training_step loses the tests that look at b.
import tensorflow as tf


def model(inputs, W, b):
    return tf.matmul(inputs, W) + b


def square_loss(targets, predictions):
    return tf.reduce_mean(tf.square(targets - predictions))


def training_step(inputs, targets, W, b, learning_rate=0.1):
    with tf.GradientTape() as tape:
        predictions = model(inputs, W, b)
        loss = square_loss(targets, predictions)
    grad_W = tape.gradient(loss, W)
    W.assign_sub(learning_rate * grad_W)
    return loss
