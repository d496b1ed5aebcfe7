# Source: modelled on the "data_iter" of a Gluon (MXNet) linear-regression tutorial found through
#   the code search without its repository name (rewritten for this corpus, not copied): a list of
#   indices shuffled with Python's random.shuffle, then used to index both arrays.
# Adapted: random.Random(seed) gives the shuffle (seeded when a seed is given); the first
#   int(validation_fraction * n) indices are the validation part.
# Expected: full marks for split_validation.
import random

import numpy as np


def split_validation(inputs, targets, validation_fraction=0.3, seed=None):
    num_examples = len(inputs)
    idx = list(range(num_examples))
    random.Random(seed).shuffle(idx)
    num_val = int(validation_fraction * num_examples)
    j_val, j_train = np.array(idx[:num_val], dtype=int), np.array(idx[num_val:], dtype=int)
    return (inputs[j_train], targets[j_train]), (inputs[j_val], targets[j_val])
