"""Control: a helper function for each derivative, UTF-8 comments (Beschleunigung, 加速度) and a print."""
import tensorflow as tf


def _derivative(function, time):
    """d/dt of function at time, with a tape that watches time."""
    with tf.GradientTape() as tape:
        tape.watch(time)
        value = function(time)
    return tape.gradient(value, time)


def acceleration(position, time):
    time = tf.constant(time, dtype=tf.float32)
    result = _derivative(lambda t: _derivative(position, t), time)
    print("Beschleunigung / 加速度:", float(result))
    return result
