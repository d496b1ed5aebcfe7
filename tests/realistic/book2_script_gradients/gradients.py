# Source: Deep Learning with Python, 2nd edition, chapter 3, listings 3.10-3.12 ("Using the
#   GradientTape", "Using GradientTape with constant tensor inputs", "Using nested gradient tapes
#   to compute second-order gradients"), from the course notes
#   shared/seeds/003_d0a3316badec9c06.txt, pasted as a script that prints at import.
# Adapted: the nested-tape cell wrapped in acceleration(position, time): time becomes a
#   tf.Variable holding the given time, as in the book, and 4.9 * time ** 2 became position(time).
# Expected: full marks for acceleration.
import tensorflow as tf

input_var = tf.Variable(initial_value=3.)
with tf.GradientTape() as tape:
    result = tf.square(input_var)
gradient = tape.gradient(result, input_var)
print(gradient)

input_const = tf.constant(3.)
with tf.GradientTape() as tape:
    tape.watch(input_const)
    result = tf.square(input_const)
gradient = tape.gradient(result, input_const)
print(gradient)

time = tf.Variable(0.)
with tf.GradientTape() as outer_tape:
    with tf.GradientTape() as inner_tape:
        position = 4.9 * time ** 2
    speed = inner_tape.gradient(position, time)
acceleration = outer_tape.gradient(speed, time)
print(acceleration)


def acceleration(position, time):
    time = tf.Variable(time, dtype=tf.float32)
    with tf.GradientTape() as outer_tape:
        with tf.GradientTape() as inner_tape:
            current_position = position(time)
        speed = inner_tape.gradient(current_position, time)
    return outer_tape.gradient(speed, time)
