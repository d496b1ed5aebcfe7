# Source: Deep Learning with Python 2nd ed., chapter 3, listing 3.28 (course notes
#   shared/seeds/003_d0a3316badec9c06.txt), where the book writes
#   num_validation_samples = int(0.3 * len(inputs)); the student wrapped the cell in the function
#   but kept the book's 0.3 instead of validation_fraction.
# Adapted: the cell wrapped in split_validation, seeded with np.random.seed when a seed is given.
# Expected: split_validation loses sizes_are_exact, with the hint to use the validation_fraction
#   passed.
import numpy as np


def split_validation(inputs, targets, validation_fraction=0.3, seed=None):
    if seed is not None:
        np.random.seed(seed)
    indices_permutation = np.random.permutation(len(inputs))
    shuffled_inputs = inputs[indices_permutation]
    shuffled_targets = targets[indices_permutation]

    num_validation_samples = int(0.3 * len(inputs))
    val_inputs = shuffled_inputs[:num_validation_samples]
    val_targets = shuffled_targets[:num_validation_samples]
    training_inputs = shuffled_inputs[num_validation_samples:]
    training_targets = shuffled_targets[num_validation_samples:]
    return (training_inputs, training_targets), (val_inputs, val_targets)
