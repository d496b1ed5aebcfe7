# Source: modelled on a loss module by Robert Sales ("Created: 26.10.2022", found through the code
#   search without its repository name), rewritten for this corpus, not copied: the environment
#   variable that silences TensorFlow's log set before the import, and the loss written with
#   tf.math functions only (tf.math.reduce_mean(tf.math.square(tf.math.subtract(pred, true)))).
# Adapted: LossPred(true, pred) renamed square_loss(targets, predictions); training_step written
#   in the same tf.math style.
# Expected: full marks for square_loss and training_step.
import os
os.environ['TF_CPP_MIN_LOG_LEVEL'] = '3'

import tensorflow as tf


def model(inputs, W, b):
    return tf.matmul(inputs, W) + b

#==============================================================================
# Define a function that computes the mean squared loss on predictions

def square_loss(targets, predictions):

    loss = tf.math.reduce_mean(tf.math.square(tf.math.subtract(predictions, targets)))

    return loss

#==============================================================================
# One step of gradient descent

def training_step(inputs, targets, W, b, learning_rate=0.1):

    with tf.GradientTape() as tape:
        loss = square_loss(targets, model(inputs, W, b))

    gradients = tape.gradient(loss, [W, b])

    W.assign_sub(tf.math.multiply(learning_rate, gradients[0]))
    b.assign_sub(tf.math.multiply(learning_rate, gradients[1]))

    return loss
