"""A syntax error."""
import numpy as np


def split_validation(inputs, targets, validation_fraction=0.3, seed=None:
    return inputs
