"""An unshuffled split, handed in next to a conftest.py, a pytest.ini, a sitecustomize.py and a .pth file."""
import numpy as np

def split_validation(inputs, targets, validation_fraction=0.3, seed=None):
    count = int(validation_fraction * len(inputs))
    return (inputs[count:], targets[count:]), (inputs[:count], targets[:count])
