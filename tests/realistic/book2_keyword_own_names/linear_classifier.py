# Source: Deep Learning with Python, 2nd edition, chapter 3 (listings 3.13-3.20, from the course
#   notes shared/seeds/003_d0a3316badec9c06.txt "all the code in one place" cell), pasted as one
#   script: constants in capitals, the point clouds made at import, W drawn unseeded, a
#   150-step loop that prints every 10 steps.
# Adapted: the student renamed the loss's parameters to Keras' y_true / y_pred and calls it by
#   keyword from training_step, square_loss(y_true=targets, y_pred=predictions); model and
#   training_step take the contract's parameters, LEARNING_RATE became the default of
#   learning_rate.
# Expected: full marks for square_loss and training_step (the keyword call uses the student's own
#   parameter names, which the contract allows).
import numpy as np
import tensorflow as tf

NUM_SAMPLES_PER_CLASS = 1000
LEARNING_RATE = 0.03


def model(inputs, W, b):
    return tf.matmul(inputs, W) + b


def square_loss(y_true, y_pred):
    per_sample_losses = tf.square(y_true - y_pred)  # contains per sample loss scores
    return tf.reduce_mean(per_sample_losses)  # averages per-sample losses to a single scalar


def training_step(inputs, targets, W, b, learning_rate=LEARNING_RATE):
    # forward pass, inside the scope of a gradient tape
    with tf.GradientTape() as tape:
        predictions = model(inputs, W, b)
        loss = square_loss(y_true=targets, y_pred=predictions)

    # Get the gradient of the loss with respect to W and b
    grad_loss_wrt_W, grad_loss_wrt_b = tape.gradient(loss, [W, b])

    # Update the weights based on the new gradient
    W.assign_sub(grad_loss_wrt_W * learning_rate)
    b.assign_sub(grad_loss_wrt_b * learning_rate)
    return loss


positive_samples = np.random.multivariate_normal(
    mean=[0, -1],
    cov=[[1, 0.5], [0.5, 1]],
    size=NUM_SAMPLES_PER_CLASS)
negative_samples = np.random.multivariate_normal(
    mean=[5, 6],
    cov=[[2, 0.25], [0.25, 2]],
    size=NUM_SAMPLES_PER_CLASS)
inputs = np.vstack((negative_samples, positive_samples)).astype(np.float32)
targets = np.vstack((np.zeros((NUM_SAMPLES_PER_CLASS, 1), dtype="float32"),
                     np.ones((NUM_SAMPLES_PER_CLASS, 1), dtype="float32")))

input_dim = 2  # inputs will be 2D points
output_dim = 1
W = tf.Variable(initial_value=tf.random.uniform(shape=(input_dim, output_dim)))
b = tf.Variable(initial_value=tf.zeros(shape=(output_dim,)))
for step in range(150):
    loss = training_step(inputs, targets, W, b)
    if step % 10 == 0:
        print(f"Loss at step {step}: {loss:.4f}")

predictions = model(inputs, W, b)
