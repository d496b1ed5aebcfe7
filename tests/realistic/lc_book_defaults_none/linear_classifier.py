# Source: Deep Learning with Python 2nd ed., ch. 3, listings 3.13-3.20 (course notes), adapted: the
#   book's loop at import calls training_step(inputs, targets) on the module's W and b, so the
#   student gave W and b defaults of None that fall back to them; the grader passes its own.
# Expected: full marks for square_loss and training_step.
import numpy as np
import tensorflow as tf

num_samples_per_class = 200
negative_samples = np.random.multivariate_normal(mean=[0, 3], cov=[[1, 0.5], [0.5, 1]], size=num_samples_per_class)
positive_samples = np.random.multivariate_normal(mean=[3, 0], cov=[[1, 0.5], [0.5, 1]], size=num_samples_per_class)
inputs = np.vstack((negative_samples, positive_samples)).astype(np.float32)
targets = np.vstack((np.zeros((num_samples_per_class, 1), dtype="float32"), np.ones((num_samples_per_class, 1), dtype="float32")))

W = tf.Variable(initial_value=tf.random.uniform(shape=(2, 1)))
b = tf.Variable(initial_value=tf.zeros(shape=(1,)))


def model(inputs, W=None, b=None):
    W = globals()["W"] if W is None else W
    b = globals()["b"] if b is None else b
    return tf.matmul(inputs, W) + b


def square_loss(targets, predictions):
    return tf.reduce_mean(tf.square(targets - predictions))


def training_step(inputs, targets, W=None, b=None, learning_rate=0.1):
    W = globals()["W"] if W is None else W
    b = globals()["b"] if b is None else b
    with tf.GradientTape() as tape:
        predictions = model(inputs, W=W, b=b)
        loss = square_loss(targets, predictions)
    grad_loss_wrt_W, grad_loss_wrt_b = tape.gradient(loss, [W, b])
    W.assign_sub(grad_loss_wrt_W * learning_rate)
    b.assign_sub(grad_loss_wrt_b * learning_rate)
    return loss


for step in range(40):
    loss = training_step(inputs, targets)
    print(f"Loss at step {step}: {loss:.4f}")
