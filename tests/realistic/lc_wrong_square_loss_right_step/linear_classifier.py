# Source: written for the corpus: a square_loss that sums where it should average (a wrong answer
#   to that exercise) and a training_step that is right, calling it.
# Expected: square_loss loses its value tests; training_step full marks, graded with a correct
#   square_loss standing in, with a message that says so.
import tensorflow as tf


def model(inputs, W, b):
    return tf.matmul(inputs, W) + b


def square_loss(targets, predictions):
    return tf.reduce_sum(tf.square(targets - predictions))


def training_step(inputs, targets, W, b, learning_rate=0.1):
    with tf.GradientTape() as tape:
        loss = square_loss(targets, model(inputs, W, b))
    grad_W, grad_b = tape.gradient(loss, [W, b])
    W.assign_sub(learning_rate * grad_W)
    b.assign_sub(learning_rate * grad_b)
    return loss
