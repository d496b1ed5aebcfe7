"""Control: the loss and the step written with keras.ops."""
import keras
import tensorflow as tf
from keras import ops


def model(inputs, W, b):
    return ops.matmul(inputs, W) + b


def square_loss(targets, predictions):
    return ops.mean(ops.square(ops.subtract(targets, predictions)))


def training_step(inputs, targets, W, b, learning_rate=0.1):
    with tf.GradientTape() as tape:
        loss = square_loss(targets, model(inputs, W, b))
    gradient_W, gradient_b = tape.gradient(loss, [W, b])
    W.assign_sub(ops.multiply(learning_rate, gradient_W))
    b.assign_sub(ops.multiply(learning_rate, gradient_b))
    return loss
