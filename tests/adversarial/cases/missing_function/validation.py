"""The function is misspelt, so split_validation is missing."""
import numpy as np


def split_validaton(inputs, targets, validation_fraction=0.3, seed=None):
    return (inputs, targets), (inputs, targets)
