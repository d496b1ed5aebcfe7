"""Prints without end on stderr at import."""
import sys

import tensorflow as tf

while True:
    sys.stderr.write("x" * 65536)

def acceleration(position, time):
    time = tf.constant(time, dtype=tf.float32)
    with tf.GradientTape() as outer:
        outer.watch(time)
        with tf.GradientTape() as inner:
            inner.watch(time)
            current = position(time)
        speed = inner.gradient(current, time)
    return outer.gradient(speed, time)
