# Source: modelled on Asiwaju-Adeniyi/Deep-Learning-Python, TFLinearClassifier/trainingStepPlot.py
#   (rewritten for this corpus, not copied): a loss helper of the student's own,
#   mean_squared_error(predictions, targets), called by the step with the arguments in the
#   student's order, and training_step compiled with @tf.function(jit_compile=True) ("Using XLA
#   compilation").
# Adapted: square_loss is the contract's name for the student's mean_squared_error; the step
#   takes learning_rate as a parameter instead of the global learning_rate = 0.1; the plotting
#   script at the bottom was left out.
# Expected: full marks for square_loss and training_step.
import tensorflow as tf


def model(inputs, W, b):
    return tf.matmul(inputs, W) + b


def mean_squared_error(predictions, targets):
    # squared distance of every prediction from its target, averaged over everything
    return tf.reduce_mean(tf.square(targets - predictions))


def square_loss(targets, predictions):
    return mean_squared_error(predictions, targets)


# Using XLA compilation
@tf.function(jit_compile=True)
def training_step(inputs, targets, W, b, learning_rate=0.1):
    # Forward pass, inside of a gradient tape scope
    with tf.GradientTape() as tape:
        predictions = model(inputs, W, b)
        loss = square_loss(targets, predictions)
    # Retrieves the gradient of the loss with regard to weights
    grad_loss_wrt_W, grad_loss_wrt_b = tape.gradient(loss, [W, b])
    # Updates the weights
    W.assign_sub(grad_loss_wrt_W * learning_rate)
    b.assign_sub(grad_loss_wrt_b * learning_rate)
    return loss
