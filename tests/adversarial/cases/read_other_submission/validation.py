"""Searches for another student's validation.py (during a batch) and fails loudly if it can read one."""
import os

import numpy as np

MARKER = "OTHER-STUDENT-" + "MARKER"
FOUND = []
for folder, dirs, files in os.walk("/"):
    # Libraries are not submissions: skip them (reading all of TensorFlow takes long).
    dirs[:] = [d for d in dirs if d not in ("proc", "sys", "dev", "usr", "site-packages", "dist-packages", "lib")]
    for name in files:
        if name.endswith(".py"):
            try:
                with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as stream:
                    if MARKER in stream.read():
                        FOUND.append(os.path.join(folder, name))
            except OSError:
                pass

def split_validation(inputs, targets, validation_fraction=0.3, seed=None):
    if FOUND:
        raise RuntimeError(f'read another student submission: {FOUND[:3]}')
    permutation = np.random.default_rng(seed).permutation(len(inputs))
    count = int(validation_fraction * len(inputs))
    inputs, targets = inputs[permutation], targets[permutation]
    return (inputs[count:], targets[count:]), (inputs[:count], targets[:count])
