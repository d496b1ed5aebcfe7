# Source: Deep Learning with Python, 3rd edition, chapter 3 (the companion notebook
#   fchollet/deep-learning-with-python-notebooks, chapter03_introduction-to-ml-frameworks.ipynb,
#   calls its loss as mean_squared_error(predictions, targets) in the TensorFlow training step);
#   written for this corpus, not copied: the student declared the loss with the parameters in that
#   order, square_loss(predictions, targets), and calls it by keyword,
#   square_loss(predictions=predictions, targets=targets).
# Adapted: the loss is named square_loss (the book's mean_squared_error).
# Expected: full marks for square_loss and training_step (the squared difference is symmetric, and
#   the keyword call names the student's own parameters).
import tensorflow as tf


def model(inputs, W, b):
    return tf.matmul(inputs, W) + b


def square_loss(predictions, targets):
    per_sample_losses = tf.square(predictions - targets)
    return tf.reduce_mean(per_sample_losses)


def training_step(inputs, targets, W, b, learning_rate=0.1):
    with tf.GradientTape() as tape:
        predictions = model(inputs, W, b)
        loss = square_loss(predictions=predictions, targets=targets)
    grad_loss_wrt_W, grad_loss_wrt_b = tape.gradient(loss, [W, b])
    W.assign_sub(grad_loss_wrt_W * learning_rate)
    b.assign_sub(grad_loss_wrt_b * learning_rate)
    return loss
