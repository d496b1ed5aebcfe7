# Source: written for the corpus: Python operators throughout, and the collapsed bias with
#   tf.tensordot(b1, W2, axes=1), the vector-matrix product the docstring names.
import tensorflow as tf


def dense_forward(inputs, W, b, activation=None):
    outputs = inputs @ W + b
    return activation(outputs) if activation else outputs


def collapse_linear_layers(W1, b1, W2, b2):
    return W1 @ W2, tf.tensordot(b1, W2, axes=1) + b2
