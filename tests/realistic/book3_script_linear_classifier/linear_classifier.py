# Source: Deep Learning with Python, 3rd edition (Keras 3), chapter 3, the TensorFlow part of "An
#   end-to-end example: A linear classifier" and "Making it faster with tf.function(jit_compile=
#   True)", as in the chapter-3 companion notebook of fchollet/deep-learning-with-python-notebooks
#   (3rd edition). Rewritten in that notebook's style for this corpus (the notebook's cells are
#   not copied): one script, point clouds drawn at import, W drawn unseeded at module level, the
#   loss written with keras.ops, the step compiled with XLA and a training loop that prints.
# Adapted: the contract's signatures (model(inputs, W, b), training_step(inputs, targets, W, b,
#   learning_rate=0.1)); training_step calls the student's own
#   square_loss(targets=..., predictions=...) by keyword.
# Expected: full marks for square_loss and training_step.
import keras
import numpy as np
import tensorflow as tf
from keras import ops

num_samples_per_class = 1000
negative_samples = np.random.multivariate_normal(
    mean=[0, 3], cov=[[1, 0.5], [0.5, 1]], size=num_samples_per_class
)
positive_samples = np.random.multivariate_normal(
    mean=[3, 0], cov=[[1, 0.5], [0.5, 1]], size=num_samples_per_class
)
inputs = np.vstack((negative_samples, positive_samples)).astype(np.float32)
targets = np.vstack(
    (
        np.zeros((num_samples_per_class, 1), dtype="float32"),
        np.ones((num_samples_per_class, 1), dtype="float32"),
    )
)

input_dim = 2
output_dim = 1
W = tf.Variable(initial_value=tf.random.uniform(shape=(input_dim, output_dim)))
b = tf.Variable(initial_value=tf.zeros(shape=(output_dim,)))


def model(inputs, W, b):
    return ops.matmul(inputs, W) + b


def square_loss(targets, predictions):
    per_sample_losses = ops.square(targets - predictions)
    return ops.mean(per_sample_losses)


@tf.function(jit_compile=True)
def training_step(inputs, targets, W, b, learning_rate=0.1):
    with tf.GradientTape() as tape:
        predictions = model(inputs, W, b)
        loss = square_loss(targets=targets, predictions=predictions)
    grad_loss_wrt_W, grad_loss_wrt_b = tape.gradient(loss, [W, b])
    W.assign_sub(grad_loss_wrt_W * learning_rate)
    b.assign_sub(grad_loss_wrt_b * learning_rate)
    return loss


for step in range(40):
    loss = training_step(inputs, targets, W, b)
    print(f"Loss at step {step}: {float(loss):.4f}")
