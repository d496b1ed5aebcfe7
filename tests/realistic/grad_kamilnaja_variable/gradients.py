# Source: modelled on Kamilnaja/python, gradient.py (rewritten for this corpus, not copied): the
#   book's three GradientTape cells in one file run at import (a first-order gradient of a
#   Variable, of a watched constant, and the nested tapes on time = tf.Variable(0.)), with a
#   stray semicolon after a print.
# Adapted: the nested-tape cell also wrapped in acceleration(position, time), time held in a
#   tf.Variable made from the given time.
# Expected: full marks for acceleration.
import tensorflow as tf

input_var = tf.Variable(initial_value=3.0)

with tf.GradientTape() as tape:
    result = tf.square(input_var)
gradient = tape.gradient(result, input_var)

print(gradient);


input_const = tf.constant(3.0)
with tf.GradientTape() as tape:
    tape.watch(input_const)
    result = tf.square(input_const)
gradient = tape.gradient(result, input_const)


def acceleration(position, time):
    time = tf.Variable(float(time))
    with tf.GradientTape() as outer_tape:
        with tf.GradientTape() as inner_tape:
            current = position(time)
        speed = inner_tape.gradient(current, time)
    return outer_tape.gradient(speed, time)


print(acceleration(lambda time: 4.9 * time ** 2, 0.))
