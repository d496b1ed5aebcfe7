# Source: modelled on the TensorFlow guide "Basic training loops"
#   (tensorflow/docs, site/en/guide/basic_training_loops.ipynb; rewritten for this corpus, not
#   copied): a loss(target_y, predicted_y) with the student's own parameter names, and a
#   train(model, x, y, learning_rate) that takes dw, db from the tape and calls
#   assign_sub(learning_rate * dw).
# Adapted: loss renamed square_loss with the guide's parameter names kept; train became
#   training_step with the contract's signature, calling the loss by keyword with those names.
# Expected: full marks for square_loss and training_step.
import tensorflow as tf


def model(inputs, W, b):
    return tf.matmul(inputs, W) + b


# This computes a single loss value for an entire batch
def square_loss(target_y, predicted_y):
    return tf.reduce_mean(tf.square(target_y - predicted_y))


# Given a callable model, inputs, outputs, and a learning rate...
def training_step(inputs, targets, W, b, learning_rate=0.1):
    with tf.GradientTape() as t:
        # Trainable variables are automatically tracked by GradientTape
        current_loss = square_loss(target_y=targets, predicted_y=model(inputs, W, b))

    # Use GradientTape to calculate the gradients with respect to W and b
    dw, db = t.gradient(current_loss, [W, b])

    # Subtract the gradient scaled by the learning rate
    W.assign_sub(learning_rate * dw)
    b.assign_sub(learning_rate * db)
    return current_loss
