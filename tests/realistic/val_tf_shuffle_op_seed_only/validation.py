# Source: written for this corpus from a mistake seen in course repositories: the shuffle drawn
#   with tf.random.shuffle(indices, seed=seed) and no tf.random.set_seed; in eager mode an
#   operation seed alone gives a new order on every call, so two calls with the same seed split
#   differently.
# Adapted: -
# Expected: split_validation loses seed_controls_the_split.
import numpy as np
import tensorflow as tf


def split_validation(inputs, targets, validation_fraction=0.3, seed=None):
    indices = tf.random.shuffle(tf.range(len(inputs)), seed=seed).numpy()
    n_val = int(validation_fraction * len(inputs))
    return ((inputs[indices[n_val:]], targets[indices[n_val:]]),
            (inputs[indices[:n_val]], targets[indices[:n_val]]))
