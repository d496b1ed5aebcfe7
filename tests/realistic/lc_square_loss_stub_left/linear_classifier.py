# Source: written for the corpus: the student wrote training_step first and left square_loss as the
#   stub (it still raises NotImplementedError).
# Expected: square_loss loses every test ("not implemented"); training_step full marks, graded with
#   a correct square_loss standing in.
import tensorflow as tf


def model(inputs, W, b):
    return tf.matmul(inputs, W) + b


def square_loss(targets, predictions):
    raise NotImplementedError("square_loss: the mean of the squared differences")


def training_step(inputs, targets, W, b, learning_rate=0.1):
    with tf.GradientTape() as tape:
        predictions = model(inputs, W, b)
        loss = square_loss(targets, predictions)
    gradient_W, gradient_b = tape.gradient(loss, [W, b])
    W.assign_sub(learning_rate * gradient_W)
    b.assign_sub(learning_rate * gradient_b)
    return loss
