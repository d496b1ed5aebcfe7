# Source: written for the corpus: the step compiled with XLA once per learning rate and kept in a
#   dict (the student read that a Python float argument retraces, and cached by hand).
# Expected: full marks for square_loss and training_step.
import tensorflow as tf

_compiled_steps = {}


def model(inputs, W, b):
    return tf.matmul(inputs, W) + b


def square_loss(targets, predictions):
    return tf.reduce_mean(tf.square(targets - predictions))


def _make_step(learning_rate):
    @tf.function(jit_compile=True)
    def step(inputs, targets, W, b):
        with tf.GradientTape() as tape:
            loss = square_loss(targets, model(inputs, W, b))
        grad_W, grad_b = tape.gradient(loss, [W, b])
        W.assign_sub(learning_rate * grad_W)
        b.assign_sub(learning_rate * grad_b)
        return loss

    return step


def training_step(inputs, targets, W, b, learning_rate=0.1):
    if learning_rate not in _compiled_steps:
        _compiled_steps[learning_rate] = _make_step(learning_rate)
    return _compiled_steps[learning_rate](inputs, targets, W, b)
