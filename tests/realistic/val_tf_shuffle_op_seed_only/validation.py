# Source: written for this corpus from a form seen in course repositories: the shuffle drawn
#   with tf.random.shuffle(indices, seed=seed) and no tf.random.set_seed. An operation seed
#   makes the split reproducible from one run to the next (in one eager process, two calls give
#   two orders); the grader starts TensorFlow's random state afresh for each call, as a run would.
# Adapted: -
# Expected: full marks for split_validation.
import numpy as np
import tensorflow as tf


def split_validation(inputs, targets, validation_fraction=0.3, seed=None):
    indices = tf.random.shuffle(tf.range(len(inputs)), seed=seed).numpy()
    n_val = int(validation_fraction * len(inputs))
    return ((inputs[indices[n_val:]], targets[indices[n_val:]]),
            (inputs[indices[:n_val]], targets[indices[:n_val]]))
