"""Leaves processes behind without fork (as on Windows): a detached Python that starts a grandchild and exits
(so the grandchild leaves the process tree), a plain child, and a busy thread, after each call; then answers honestly."""
import subprocess
import sys
import threading
import time

import numpy as np

LOOP = "import time\nwhile True: time.sleep(0.2)"
ESCAPE = (
    "import subprocess, sys\n"
    f"subprocess.Popen([sys.executable, '-c', {LOOP!r}], start_new_session=True)\n"
)


def _leave_behind():
    subprocess.Popen([sys.executable, "-c", ESCAPE], start_new_session=True).wait()
    subprocess.Popen([sys.executable, "-c", LOOP])


def _spin():
    while True:
        sum(range(10000))
        time.sleep(0.01)


def split_validation(inputs, targets, validation_fraction=0.3, seed=None):
    _leave_behind()
    threading.Thread(target=_spin, daemon=True).start()
    permutation = np.random.default_rng(seed).permutation(len(inputs))
    count = int(validation_fraction * len(inputs))
    inputs, targets = inputs[permutation], targets[permutation]
    return (inputs[count:], targets[count:]), (inputs[:count], targets[:count])
