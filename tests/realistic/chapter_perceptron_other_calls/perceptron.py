# Source: written for this corpus: keras.ops.matmul, the student's own parameter names, and the
#   collapsed bias through a (1, hidden) matrix product reshaped back to a vector.
import keras
import tensorflow as tf


def dense_forward(x, weights, bias, activation=None):
    z = keras.ops.matmul(x, weights) + bias
    return z if activation is None else activation(z)


def collapse_linear_layers(W1, b1, W2, b2):
    return W1 @ W2, tf.reshape(tf.expand_dims(b1, 0) @ W2, [-1]) + b2
