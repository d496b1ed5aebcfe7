# Source: written for this corpus (a style of issue 8 section 4): one persistent tape that records
#   its own first gradient (taken inside the `with` block), then differentiates it again.
# Adapted: -
# Expected: full marks for acceleration.
import tensorflow as tf


def acceleration(position, time):
    t = tf.convert_to_tensor(time, dtype=tf.float32)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(t)
        p = position(t)
        speed = tape.gradient(p, t)
    accel = tape.gradient(speed, t)
    del tape
    return accel
