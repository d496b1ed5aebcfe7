"""Contrôle : fonctions auxiliaires, commentaires en UTF-8 (é, ü, 中文, 🙂) et quelques print.

OTHER-STUDENT-MARKER: read_other_submission must never see this file.
"""
import numpy as np


def _permutation(count, seed):
    """Une seule permutation, partagée par les entrées et les cibles."""
    return np.random.default_rng(seed).permutation(count)


def _cut(array, count):
    return array[count:], array[:count]


def split_validation(inputs, targets, validation_fraction=0.3, seed=None):
    permutation = _permutation(len(inputs), seed)
    count = int(validation_fraction * len(inputs))
    print(f"split: {len(inputs)} échantillons, {count} pour la validation")
    train_inputs, val_inputs = _cut(inputs[permutation], count)
    train_targets, val_targets = _cut(targets[permutation], count)
    return (train_inputs, train_targets), (val_inputs, val_targets)
