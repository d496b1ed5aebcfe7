# Source: written for this corpus: dense_forward with
#   activation=tf.nn.relu as its default, so a call that leaves the activation out is not linear.
import tensorflow as tf


def dense_forward(inputs, W, b, activation=tf.nn.relu):
    outputs = tf.matmul(inputs, W) + b
    if activation:
        outputs = activation(outputs)
    return outputs


def collapse_linear_layers(W1, b1, W2, b2):
    W = tf.matmul(W1, W2)
    b = tf.linalg.matvec(W2, b1, transpose_a=True) + b2
    return W, b
