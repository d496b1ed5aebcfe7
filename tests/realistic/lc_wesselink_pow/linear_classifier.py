# Source: modelled on a course's TensorFlow loss module by Wieger Wesselink (found through the
#   code search without its repository name; "Copyright 2023 Wieger Wesselink", Boost licence),
#   rewritten for this corpus, not copied: type-annotated losses in capital letters Y (outputs)
#   and T (targets), the mean squared error written with tf.pow.
# Adapted: the student picked the mean version, mean_squared_error_loss(Y, T), as square_loss,
#   with the contract's parameter names; training_step written around it by the student, with
#   the tape and a list of gradients.
# Expected: full marks for square_loss and training_step.
import tensorflow as tf


def model(inputs, W, b):
    return tf.matmul(inputs, W) + b


def square_loss(targets: tf.Tensor, predictions: tf.Tensor) -> tf.Tensor:
    Y, T = predictions, targets
    return tf.reduce_mean(tf.pow(Y - T, 2))


def training_step(inputs, targets, W, b, learning_rate=0.1):
    with tf.GradientTape() as tape:
        loss = square_loss(targets, model(inputs, W, b))
    DW, Db = tape.gradient(loss, [W, b])
    W.assign_sub(learning_rate * DW)
    b.assign_sub(learning_rate * Db)
    return loss
