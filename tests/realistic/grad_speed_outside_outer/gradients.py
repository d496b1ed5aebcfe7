# Source: written for this corpus from a mistake seen in course repositories: the speed is taken
#   after both `with` blocks have closed, so the outer tape never records it and its gradient is
#   None (both tapes do watch time).
# Adapted: -
# Expected: acceleration loses every test: it returns None.
import tensorflow as tf


def acceleration(position, time):
    time = tf.constant(time, dtype=tf.float32)
    with tf.GradientTape() as outer_tape:
        outer_tape.watch(time)
        with tf.GradientTape() as inner_tape:
            inner_tape.watch(time)
            position_value = position(time)
    speed = inner_tape.gradient(position_value, time)
    return outer_tape.gradient(speed, time)
