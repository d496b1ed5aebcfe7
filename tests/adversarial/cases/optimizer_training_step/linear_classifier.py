import tensorflow as tf


def model(inputs, W, b):
    return tf.matmul(inputs, W) + b

import keras


def square_loss(targets, predictions):
    return tf.reduce_mean(tf.square(targets - predictions))


def training_step(inputs, targets, W, b, learning_rate=0.1):
    """Lets a Keras SGD optimizer do the update."""
    with tf.GradientTape() as tape:
        loss = square_loss(targets, model(inputs, W, b))
    gradients = tape.gradient(loss, [W, b])
    keras.optimizers.SGD(learning_rate=learning_rate).apply_gradients(zip(gradients, [W, b]))
    return loss
