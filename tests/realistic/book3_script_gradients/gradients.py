# Source: Deep Learning with Python, 3rd edition (Keras 3), chapter 3, "Second-order gradients"
#   in the TensorFlow part, as in the chapter-3 companion notebook of
#   fchollet/deep-learning-with-python-notebooks (3rd edition). Rewritten in that style for this
#   corpus (not copied): time is a watched constant, the tapes are opened in one `with`
#   statement, and the notebook's check cell runs at import.
# Adapted: the cell wrapped in acceleration(position, time).
# Expected: full marks for acceleration.
import tensorflow as tf


def acceleration(position, time):
    time = tf.constant(time, dtype="float32")
    with tf.GradientTape() as outer_tape, tf.GradientTape() as inner_tape:
        outer_tape.watch(time)
        inner_tape.watch(time)
        current_position = position(time)
        speed = inner_tape.gradient(current_position, time)
    return outer_tape.gradient(speed, time)


print(acceleration(lambda time: 4.9 * time**2, 0.0))
