"""Leaves a daemon (double fork, new session), a plain child and a busy thread behind after each call, then answers honestly."""
import os
import threading
import time

import numpy as np


def _daemon():
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            while True:
                try:
                    with open(os.path.expanduser("~/still-here"), "a") as stream:
                        stream.write("x")
                except OSError:
                    pass
                time.sleep(0.2)
        os._exit(0)
    if os.fork() == 0:
        time.sleep(3600)
        os._exit(0)


def _spin():
    while True:
        sum(range(10000))
        time.sleep(0.01)


def split_validation(inputs, targets, validation_fraction=0.3, seed=None):
    _daemon()
    threading.Thread(target=_spin, daemon=True).start()
    permutation = np.random.default_rng(seed).permutation(len(inputs))
    count = int(validation_fraction * len(inputs))
    inputs, targets = inputs[permutation], targets[permutation]
    return (inputs[count:], targets[count:]), (inputs[:count], targets[:count])
