# Source: written for this corpus from a mistake seen in course repositories (and in issue 8):
#   2-D indexing, inputs[idx, :] and targets[idx, :], which raises IndexError ("too many indices")
#   on 1-D inputs or targets, although the contract allows any rank.
# Adapted: -
# Expected: split_validation loses the test that draws 1-D inputs or targets
#   (parts_are_disjoint_and_complete, where the grader checks whole samples of any rank).
import numpy as np


def split_validation(inputs, targets, validation_fraction=0.3, seed=None):
    rng = np.random.default_rng(seed)
    idx = rng.permutation(inputs.shape[0])
    n_val = int(validation_fraction * inputs.shape[0])
    val_idx, train_idx = idx[:n_val], idx[n_val:]
    return (inputs[train_idx, :], targets[train_idx, :]), (inputs[val_idx, :], targets[val_idx, :])
