"""Allocates 50 GB with NumPy in the graded call."""
import numpy as np


def split_validation(inputs, targets, validation_fraction=0.3, seed=None):
    block = np.ones(50 * 1024**3 // 8)
    block[::4096] = 2.0
    return (block, block), (block, block)
