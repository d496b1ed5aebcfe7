# Source: written for the corpus: tf.einsum for both products, the way a student coming from
#   NumPy's einsum writes them.
import tensorflow as tf


def dense_forward(inputs, W, b, activation=None):
    z = tf.einsum("ni,iu->nu", inputs, W) + b
    if activation is None:
        return z
    return activation(z)


def collapse_linear_layers(W1, b1, W2, b2):
    return tf.einsum("ih,hu->iu", W1, W2), tf.einsum("h,hu->u", b1, W2) + b2
