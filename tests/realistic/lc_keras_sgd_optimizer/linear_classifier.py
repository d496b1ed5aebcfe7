# Source: modelled on apoorv98/deep_learning_with_python, custom_supervised_training.py
#   (rewritten for this corpus, not copied): the chapter's custom training step written with a
#   Keras optimizer, optimizer.apply_gradients(zip(gradients, variables)), instead of the
#   hand-written assign_sub update the exercise asks for.
# Adapted: the contract's signature; the optimizer is made inside the step with the learning rate
#   passed (the original also swapped the pair order in zip and misspelled tape.gradient; both
#   fixed here so that only the optimizer remains).
# Expected: square_loss full marks; training_step loses the tests that check the update is
#   written by hand (an optimizer does not earn those points).
import tensorflow as tf
from tensorflow import keras


def model(inputs, W, b):
    return tf.matmul(inputs, W) + b


def square_loss(targets, predictions):
    return tf.reduce_mean(tf.square(targets - predictions))


def training_step(inputs, targets, W, b, learning_rate=0.1):
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate)
    with tf.GradientTape() as tape:
        predictions = model(inputs, W, b)
        loss = square_loss(targets, predictions)
    gradients = tape.gradient(loss, [W, b])
    optimizer.apply_gradients(zip(gradients, [W, b]))
    return loss
