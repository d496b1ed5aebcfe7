import numpy as np
import tensorflow as tf


def model(inputs, W, b):
    return tf.matmul(inputs, W) + b


def square_loss(targets, predictions):
    return tf.reduce_mean(tf.square(targets - predictions))


@tf.function(reduce_retracing=True)
def _descend(inputs, targets, W, b, learning_rate):
    """A library optimizer inside a module-level helper, traced at import below: later calls run its graph."""
    with tf.GradientTape() as tape:
        loss = square_loss(targets, model(inputs, W, b))
    gradients = tape.gradient(loss, [W, b])
    tf.compat.v1.train.GradientDescentOptimizer(learning_rate).apply_gradients(zip(gradients, [W, b]))
    return loss


def training_step(inputs, targets, W, b, learning_rate=0.1):
    return _descend(inputs, targets, W, b, tf.constant(learning_rate, dtype=W.dtype))


for features in (2, 3, 4, 5):
    _descend(
        np.ones((8, features), np.float32),
        np.ones((8, 1), np.float32),
        tf.Variable(np.zeros((features, 1), np.float32)),
        tf.Variable(np.zeros((1,), np.float32)),
        tf.constant(0.1),
    )
