# Source: written for this corpus: positional shape, tf.random.set_seed(seed) then an unseeded
#   tf.random.normal, and the corner set with scatter_nd_update; the student's own parameter names.
import tensorflow as tf


def constant_tensors(size, random_seed=None):
    tf.random.set_seed(random_seed)
    return (tf.ones(size, dtype=tf.float32), tf.zeros(size), tf.random.normal(size))


def update_variable(v, new_values, inc, corner):
    v.assign(new_values)
    v.assign_add(inc)
    v.scatter_nd_update([[0, 0]], [corner])
    return v
