"""Control: one persistent tape differentiates twice."""
import tensorflow as tf


def acceleration(position, time):
    time = tf.constant(time, dtype=tf.float32)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(time)
        current = position(time)
        speed = tape.gradient(current, time)
    acceleration_value = tape.gradient(speed, time)
    del tape
    return acceleration_value
