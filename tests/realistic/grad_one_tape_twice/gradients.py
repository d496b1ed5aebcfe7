# Source: written for this corpus from a mistake seen in course repositories: one tape, not
#   persistent, asked for two gradients (the speed, then the gradient of the speed); TensorFlow
#   raises "A non-persistent GradientTape can only be used to compute one set of gradients".
# Adapted: -
# Expected: acceleration loses every test, with TensorFlow's message about a non-persistent tape.
import tensorflow as tf


def acceleration(position, time):
    t = tf.constant(time, dtype=tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(t)
        p = position(t)
        speed = tape.gradient(p, t)
    return tape.gradient(speed, t)
