# Source: written for this corpus: the point made a tf.Variable, which the tape watches by itself.
import tensorflow as tf


def first_derivative(f, x):
    x = tf.Variable(x, dtype=tf.float32)
    with tf.GradientTape() as tape:
        y = f(x)
    return tape.gradient(y, x)
