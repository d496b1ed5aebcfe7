# Source: written for the corpus: an object holds the compiled step as a method (@tf.function on a
#   method of a class instance made at import), and training_step delegates to it.
# Expected: full marks for square_loss and training_step.
import tensorflow as tf


def model(inputs, W, b):
    return tf.matmul(inputs, W) + b


def square_loss(targets, predictions):
    return tf.reduce_mean(tf.square(targets - predictions))


class GradientDescent:
    def __init__(self, loss_fn, model_fn):
        self.loss_fn = loss_fn
        self.model_fn = model_fn

    @tf.function(jit_compile=True)
    def step(self, inputs, targets, W, b, learning_rate):
        with tf.GradientTape() as tape:
            loss = self.loss_fn(targets, self.model_fn(inputs, W, b))
        grad_W, grad_b = tape.gradient(loss, [W, b])
        W.assign_sub(learning_rate * grad_W)
        b.assign_sub(learning_rate * grad_b)
        return loss


_trainer = GradientDescent(lambda t, p: square_loss(t, p), lambda x, w, c: model(x, w, c))


def training_step(inputs, targets, W, b, learning_rate=0.1):
    return _trainer.step(inputs, targets, W, b, tf.constant(learning_rate, tf.float32))
