# Source: written for this corpus: a central finite
#   difference instead of a GradientTape; close to the derivative, but no tape is used.
import tensorflow as tf


def first_derivative(function, point):
    x = tf.constant(point, dtype=tf.float32)
    h = 1e-3
    return (function(x + h) - function(x - h)) / (2 * h)
