# Source: modelled on a student's fit_data(real_x, real_y) found through the code search (no
#   repository name given), rewritten for this corpus, not copied: a persistent tape, two separate
#   tape.gradient calls (one per variable), a loss helper simple_loss(real_y, pred_y), and the
#   prediction written with operators.
# Adapted: the student's globals w, b and LEARNING_RATE became the contract's parameters;
#   simple_loss is square_loss with its own parameter names, called positionally.
# Expected: full marks for square_loss and training_step.
import tensorflow as tf


def model(inputs, W, b):
    return inputs @ W + b


def square_loss(real_y, pred_y):
    return tf.reduce_mean((real_y - pred_y) ** 2)


def training_step(inputs, targets, W, b, learning_rate=0.1):
    with tf.GradientTape(persistent=True) as tape:
        pred_y = model(inputs, W, b)
        reg_loss = square_loss(targets, pred_y)

    w_gradient = tape.gradient(reg_loss, W)
    b_gradient = tape.gradient(reg_loss, b)
    del tape

    W.assign_sub(w_gradient * learning_rate)
    b.assign_sub(b_gradient * learning_rate)
    return reg_loss
