# Source: written for the corpus: tf.linalg throughout (matmul, matvec with transpose_a), with
#   keyword arguments and tf.identity as the activation left out.
import tensorflow as tf


def dense_forward(inputs, W, b, activation=None):
    activation = activation or tf.identity
    return activation(tf.linalg.matmul(a=inputs, b=W) + b)


def collapse_linear_layers(W1, b1, W2, b2):
    W = tf.linalg.matmul(W1, W2)
    b = tf.linalg.matvec(W2, b1, transpose_a=True) + b2
    return W, b
