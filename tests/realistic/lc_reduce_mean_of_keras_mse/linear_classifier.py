# Source: written for this corpus (a form seen in course repositories): Keras' per-sample
#   tf.keras.losses.MSE (a mean over the last axis) wrapped in tf.reduce_mean, which averages the
#   per-sample means into the mean over every element, for any shape; the step passes
#   tape.gradient its arguments by keyword and updates with W.assign(W - learning_rate * dW).
# Adapted: -
# Expected: full marks for square_loss and training_step.
import tensorflow as tf


def model(inputs, W, b):
    return tf.matmul(inputs, W) + b


def square_loss(targets, predictions):
    return tf.reduce_mean(tf.keras.losses.MSE(targets, predictions))


def training_step(inputs, targets, W, b, learning_rate=0.1):
    with tf.GradientTape() as tape:
        predictions = model(inputs, W, b)
        loss = square_loss(targets, predictions)
    dW, db = tape.gradient(target=loss, sources=[W, b])
    W.assign(W - learning_rate * dW)
    b.assign(b - learning_rate * db)
    return loss
