"""Replaces isinstance, open and print in builtins, then returns a wrong split."""
import builtins

import numpy as np

builtins.isinstance = lambda *args, **kwargs: True
builtins.print = lambda *args, **kwargs: None


def _no_open(*args, **kwargs):
    raise PermissionError("no files for you")


builtins.open = _no_open


def split_validation(inputs, targets, validation_fraction=0.3, seed=None):
    return (inputs, targets), (inputs[:0], targets[:0])
