# Source: Deep Learning with Python, 2nd edition, chapter 3, "An end-to-end example: A linear
#   classifier in pure TensorFlow" (listings 3.13-3.20, the cells of the course notes
#   shared/seeds/003_d0a3316badec9c06.txt with the book's own class means [0, 3] and [3, 0], which
#   the notes changed), pasted as one script the way a student pastes the
#   notebook cells: the point clouds are made at import, W is drawn unseeded at module level, and
#   a 40-step training loop prints the loss.
# Adapted: model, square_loss and training_step take the contract's parameters
#   (model(inputs, W, b); training_step(inputs, targets, W, b, learning_rate=0.1)); the book's
#   global learning_rate became the default. training_step still calls the book's
#   square_loss(predictions, targets), arguments swapped as in the book.
# Expected: full marks for square_loss and training_step.
import numpy as np
import tensorflow as tf

num_samples_per_class = 1000
negative_samples = np.random.multivariate_normal(
    mean=[0, 3],
    cov=[[1, 0.5], [0.5, 1]],
    size=num_samples_per_class)
positive_samples = np.random.multivariate_normal(
    mean=[3, 0],
    cov=[[1, 0.5], [0.5, 1]],
    size=num_samples_per_class)

inputs = np.vstack((negative_samples, positive_samples)).astype(np.float32)

targets = np.vstack((np.zeros((num_samples_per_class, 1), dtype="float32"),
                     np.ones((num_samples_per_class, 1), dtype="float32")))

input_dim = 2
output_dim = 1
W = tf.Variable(initial_value=tf.random.uniform(shape=(input_dim, output_dim)))
b = tf.Variable(initial_value=tf.zeros(shape=(output_dim,)))


def model(inputs, W, b):
    return tf.matmul(inputs, W) + b


def square_loss(targets, predictions):
    per_sample_losses = tf.square(targets - predictions)
    return tf.reduce_mean(per_sample_losses)


learning_rate = 0.1


def training_step(inputs, targets, W, b, learning_rate=0.1):
    with tf.GradientTape() as tape:
        predictions = model(inputs, W, b)
        loss = square_loss(predictions, targets)
    grad_loss_wrt_W, grad_loss_wrt_b = tape.gradient(loss, [W, b])
    W.assign_sub(grad_loss_wrt_W * learning_rate)
    b.assign_sub(grad_loss_wrt_b * learning_rate)
    return loss


for step in range(40):
    loss = training_step(inputs, targets, W, b, learning_rate)
    print(f"Loss at step {step}: {loss:.4f}")

predictions = model(inputs, W, b)
x = np.linspace(-1, 4, 100)
y = - W[0] / W[1] * x + (0.5 - b) / W[1]
print("accuracy:", float(np.mean((predictions.numpy()[:, 0] > 0.5) == (targets[:, 0] > 0.5))))
