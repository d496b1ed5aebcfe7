# Source: written for the corpus: NumPy first, converted to a float32 tensor at the end, the way a
#   student who knows NumPy better than TensorFlow writes it (np.dot, np.outer-free bias).
import numpy as np
import tensorflow as tf


def dense_forward(inputs, W, b, activation=None):
    z = np.dot(np.asarray(inputs, dtype=np.float32), np.asarray(W, dtype=np.float32)) + np.asarray(b, dtype=np.float32)
    z = tf.convert_to_tensor(z, dtype=tf.float32)
    if activation is not None:
        z = activation(z)
    return z


def collapse_linear_layers(W1, b1, W2, b2):
    W1, b1, W2, b2 = (np.asarray(t, dtype=np.float32) for t in (W1, b1, W2, b2))
    W = W1.dot(W2)
    b = b1.dot(W2) + b2
    return tf.constant(W, dtype=tf.float32), tf.constant(b, dtype=tf.float32)
