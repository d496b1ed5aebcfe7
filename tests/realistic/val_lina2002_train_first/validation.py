# Source: modelled on lina2002/neural-networks, utils.py (rewritten for this corpus, not copied):
#   a shuffle(X, y) helper indexing both arrays with one np.random.permutation(X.shape[0]), then
#   train_validation_split(X, y, training_set_size) slicing the training part off the front.
# Adapted: split_validation calls the two helpers; the seed goes to np.random.seed when given;
#   training_set_size is len(X) - int(validation_fraction * len(X)), so the validation part is the
#   last int(validation_fraction * n) shuffled samples, and the parts are returned in the
#   contract's order.
# Expected: full marks for split_validation (which end of one shuffle is held out cannot matter).
import numpy as np


def shuffle(X, y):
    randomize = np.random.permutation(X.shape[0])
    return X[randomize], y[randomize]


def train_validation_split(X, y, training_set_size):
    return X[:training_set_size], y[:training_set_size], X[training_set_size:], y[training_set_size:]


def split_validation(inputs, targets, validation_fraction=0.3, seed=None):
    if seed is not None:
        np.random.seed(seed)
    X, y = shuffle(inputs, targets)
    training_set_size = len(X) - int(validation_fraction * len(X))
    X_train, y_train, X_val, y_val = train_validation_split(X, y, training_set_size)
    return (X_train, y_train), (X_val, y_val)
