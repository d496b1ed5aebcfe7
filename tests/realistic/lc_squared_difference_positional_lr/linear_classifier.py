# Source: written for this corpus (styles of issue 8 section 4): tf.math.squared_difference for the
#   loss, the gradients unpacked from tape.gradient(loss, (W, b)) as a tuple, the step size named
#   `lr` in the student's own signature (the contract's learning_rate passed positionally still
#   lands there), and the update written as a list comprehension over zip.
# Adapted: -
# Expected: full marks for square_loss and training_step.
import tensorflow as tf


def model(inputs, W, b):
    return tf.matmul(inputs, W) + b


def square_loss(targets, predictions):
    return tf.reduce_mean(tf.math.squared_difference(targets, predictions))


def training_step(inputs, targets, W, b, learning_rate=0.1):
    lr = learning_rate
    with tf.GradientTape() as tape:
        loss = square_loss(targets, model(inputs, W, b))
    grads = tape.gradient(loss, (W, b))
    [v.assign_sub(lr * g) for v, g in zip((W, b), grads)]
    return loss
