# Source: Deep Learning with Python 2nd ed., chapter 3, listings 3.13-3.20 (course notes
#   shared/seeds/003_d0a3316badec9c06.txt), half adapted: the student gave training_step the
#   contract's signature but kept the book's model(inputs), which reads the module's own W and b,
#   and calls it as model(inputs); the tape's gradient with respect to the W and b passed in is
#   then None.
# Adapted: training_step's signature only (that is the mistake).
# Expected: square_loss full marks; training_step loses every test.
import numpy as np
import tensorflow as tf

input_dim = 2
output_dim = 1
W = tf.Variable(initial_value=tf.random.uniform(shape=(input_dim, output_dim)))
b = tf.Variable(initial_value=tf.zeros(shape=(output_dim,)))


def model(inputs):
    return tf.matmul(inputs, W) + b


def square_loss(targets, predictions):
    per_sample_losses = tf.square(targets - predictions)
    return tf.reduce_mean(per_sample_losses)


def training_step(inputs, targets, W, b, learning_rate=0.1):
    with tf.GradientTape() as tape:
        predictions = model(inputs)
        loss = square_loss(predictions, targets)
    grad_loss_wrt_W, grad_loss_wrt_b = tape.gradient(loss, [W, b])
    W.assign_sub(grad_loss_wrt_W * learning_rate)
    b.assign_sub(grad_loss_wrt_b * learning_rate)
    return loss
