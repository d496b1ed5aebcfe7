# Source: the setup cell of ageron/handson-ml2 notebooks (e.g. 12_custom_models_and_training_with_
#   tensorflow.ipynb: "to make this notebook's output stable across runs", np.random.seed(42) and
#   tf.random.set_seed(42)), put by the student at the top of the chapter-3 linear classifier
#   script (Deep Learning with Python 2nd ed., listings 3.13-3.20, as in the course notes); both
#   rewritten for this corpus. The student seeds every generator of their own, draws the point
#   clouds and W at import and trains for 20 steps with a print.
# Adapted: the contract's signatures.
# Expected: full marks for square_loss and training_step (the student's own seeding must change
#   nothing in the grading).
import sys
assert sys.version_info >= (3, 5)

import numpy as np
import tensorflow as tf
from tensorflow import keras

# to make this notebook's output stable across runs
np.random.seed(42)
tf.random.set_seed(42)
keras.utils.set_random_seed(42)

num_samples_per_class = 500
negative_samples = np.random.multivariate_normal(mean=[0, 3], cov=[[1, 0.5], [0.5, 1]], size=num_samples_per_class)
positive_samples = np.random.multivariate_normal(mean=[3, 0], cov=[[1, 0.5], [0.5, 1]], size=num_samples_per_class)
inputs = np.vstack((negative_samples, positive_samples)).astype(np.float32)
targets = np.vstack((np.zeros((num_samples_per_class, 1), dtype="float32"),
                     np.ones((num_samples_per_class, 1), dtype="float32")))

W = tf.Variable(initial_value=tf.random.uniform(shape=(2, 1)))
b = tf.Variable(initial_value=tf.zeros(shape=(1,)))


def model(inputs, W, b):
    return tf.matmul(inputs, W) + b


def square_loss(targets, predictions):
    per_sample_losses = tf.square(targets - predictions)
    return tf.reduce_mean(per_sample_losses)


def training_step(inputs, targets, W, b, learning_rate=0.1):
    with tf.GradientTape() as tape:
        predictions = model(inputs, W, b)
        loss = square_loss(targets, predictions)
    grad_loss_wrt_W, grad_loss_wrt_b = tape.gradient(loss, [W, b])
    W.assign_sub(grad_loss_wrt_W * learning_rate)
    b.assign_sub(grad_loss_wrt_b * learning_rate)
    return loss


for step in range(20):
    loss = training_step(inputs, targets, W, b)
    print(f"Loss at step {step}: {loss:.4f}")
