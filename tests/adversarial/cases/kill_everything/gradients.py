"""An honest acceleration, graded next to a validation.py that kills everything it can."""
import tensorflow as tf

def acceleration(position, time):
    time = tf.constant(time, dtype=tf.float32)
    with tf.GradientTape() as outer:
        outer.watch(time)
        with tf.GradientTape() as inner:
            inner.watch(time)
            current = position(time)
        speed = inner.gradient(current, time)
    return outer.gradient(speed, time)
