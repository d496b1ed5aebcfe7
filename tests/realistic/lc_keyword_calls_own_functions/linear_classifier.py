# Source: written for the corpus: the student's own parameter names and keyword calls between the
#   student's own functions, in an order the contract does not use.
# Expected: full marks for square_loss and training_step.
import tensorflow as tf


def model(x, weights, bias):
    return tf.linalg.matmul(x, weights) + bias


def square_loss(y_true, y_pred):
    return tf.math.reduce_mean(tf.math.squared_difference(y_pred, y_true))


def training_step(inputs, targets, W, b, learning_rate=0.1):
    with tf.GradientTape() as tape:
        predictions = model(bias=b, weights=W, x=inputs)
        loss = square_loss(y_pred=predictions, y_true=targets)
    dW, db = tape.gradient(target=loss, sources=[W, b])
    W.assign_sub(learning_rate * dW)
    b.assign_sub(learning_rate * db)
    return loss
