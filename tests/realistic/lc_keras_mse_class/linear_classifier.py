# Source: written for this corpus (a style of issue 8 section 4): tf.keras' loss class
#   MeanSquaredError, which reduces over every element by default, used as the loss, and
#   training_step decorated with @tf.function and called with learning_rate by keyword.
# Adapted: -
# Expected: full marks for square_loss and training_step.
import tensorflow as tf

mse = tf.keras.losses.MeanSquaredError()


def model(inputs, W, b):
    return tf.matmul(inputs, W) + b


def square_loss(targets, predictions):
    return mse(targets, predictions)


@tf.function
def training_step(inputs, targets, W, b, learning_rate=0.1):
    with tf.GradientTape() as tape:
        loss = square_loss(targets, model(inputs, W, b))
    grad_W, grad_b = tape.gradient(loss, [W, b])
    W.assign_sub(learning_rate * grad_W)
    b.assign_sub(learning_rate * grad_b)
    return loss
