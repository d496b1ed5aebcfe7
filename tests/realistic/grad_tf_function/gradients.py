# Source: written for this corpus (a style of issue 8 section 4): the student decorates
#   acceleration with @tf.function and makes the time a tf.Variable once, outside the function,
#   assigning the new time on each call (a tf.function may not create variables on every call).
# Adapted: -
# Expected: full marks for acceleration.
import tensorflow as tf

_time = tf.Variable(0.0)


def acceleration(position, time):
    _time.assign(time)
    return _second_derivative(position)


@tf.function(reduce_retracing=True)
def _second_derivative(position):
    with tf.GradientTape() as outer_tape:
        with tf.GradientTape() as inner_tape:
            y = position(_time)
        dy = inner_tape.gradient(y, _time)
    return outer_tape.gradient(dy, _time)
