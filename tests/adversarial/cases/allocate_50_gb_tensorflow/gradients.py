"""Allocates 50 GB with TensorFlow in the graded call."""
import tensorflow as tf


def acceleration(position, time):
    block = tf.ones([50 * 1024**3 // 4], dtype=tf.float32)
    return tf.reduce_sum(block)
