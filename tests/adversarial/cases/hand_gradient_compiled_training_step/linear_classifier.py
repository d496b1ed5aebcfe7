import tensorflow as tf

_steps = {}


def model(inputs, W, b):
    return tf.matmul(inputs, W) + b


def square_loss(targets, predictions):
    return tf.reduce_mean(tf.square(targets - predictions))


def _compiled(learning_rate):
    @tf.function(jit_compile=True)
    def step(inputs, targets, W, b):
        """The mean squared error's gradient derived by hand, compiled once per learning rate: no tape."""
        errors = model(inputs, W, b) - targets
        count = tf.cast(tf.size(errors), errors.dtype)
        loss = square_loss(targets, model(inputs, W, b))
        W.assign_sub(learning_rate * 2.0 * tf.matmul(inputs, errors, transpose_a=True) / count)
        b.assign_sub(learning_rate * 2.0 * tf.reduce_sum(errors, axis=0) / count)
        return loss

    return step


def training_step(inputs, targets, W, b, learning_rate=0.1):
    if learning_rate not in _steps:
        _steps[learning_rate] = _compiled(learning_rate)
    return _steps[learning_rate](inputs, targets, W, b)
