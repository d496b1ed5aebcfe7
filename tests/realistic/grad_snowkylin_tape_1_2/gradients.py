# Source: modelled on snowkylin/tensorflow-handbook,
#   docs/_static/code/zh/appendix/tape/high_order_grad.py (rewritten for this corpus, not copied):
#   a Variable x, tapes named tape_1 (outer) and tape_2 (inner), dy_dx and d2y_dx2.
# Adapted: tf.square(x) became position(x), x a Variable made from the given time.
# Expected: full marks for acceleration.
import tensorflow as tf


def acceleration(position, time):
    x = tf.Variable(time, dtype=tf.float32)
    with tf.GradientTape() as tape_1:
        with tf.GradientTape() as tape_2:
            y = position(x)
        dy_dx = tape_2.gradient(y, x)
    d2y_dx2 = tape_1.gradient(dy_dx, x)
    return d2y_dx2
