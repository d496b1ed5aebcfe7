# Source: written for this corpus (a style of issue 8 section 4): the shuffle drawn with
#   TensorFlow, tf.random.shuffle(tf.range(n), seed=seed) after tf.random.set_seed(seed) (so that
#   the same seed gives the same order on every call), converted back with .numpy() to index the
#   NumPy arrays.
# Adapted: -
# Expected: full marks for split_validation.
import numpy as np
import tensorflow as tf


def split_validation(inputs, targets, validation_fraction=0.3, seed=None):
    if seed is not None:
        tf.random.set_seed(seed)
    indices = tf.random.shuffle(tf.range(len(inputs)), seed=seed).numpy()
    num_validation_samples = int(validation_fraction * len(inputs))
    val_indices = indices[:num_validation_samples]
    train_indices = indices[num_validation_samples:]
    return (inputs[train_indices], targets[train_indices]), (inputs[val_indices], targets[val_indices])
