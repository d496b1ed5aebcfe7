# Source: written for this corpus: update_variable adds the increment to
#   the values and wraps the result in a new tf.Variable, so the caller's Variable never changes.
import tensorflow as tf


def constant_tensors(shape, seed):
    return tf.ones(shape=shape), tf.zeros(shape=shape), tf.random.normal(shape=shape, seed=seed)


def update_variable(variable, values, increment, corner_value):
    variable = tf.Variable(values + increment)
    variable[0, 0].assign(corner_value)
    return variable
