# Source: modelled on steffanpaul/rna_secstructure_code,
#   toypk/transferlearning/Archives/oldseqparse.py (rewritten for this corpus, not copied): one
#   shuffle = np.random.permutation(N), the training size computed as int(N * (1 - valid_frac)),
#   and the parts taken as X_data[shuffle[:split_1]] and X_data[shuffle[split_1:]]; so the
#   validation part has N - int(N * (1 - f)) samples, one more than int(f * N) whenever f * N is
#   not a whole number.
# Adapted: the test part dropped (test_frac = 0); the seed goes to np.random.seed when given;
#   parts returned in the contract's order.
# Expected: split_validation loses sizes_are_exact, with the off-by-one hint.
import numpy as np


def split_validation(inputs, targets, validation_fraction=0.3, seed=None):
    if seed is not None:
        np.random.seed(seed)
    N = len(inputs)
    split_1 = int(N * (1 - validation_fraction))
    shuffle = np.random.permutation(N)

    train = {'inputs': inputs[shuffle[:split_1]],
             'targets': targets[shuffle[:split_1]]}
    valid = {'inputs': inputs[shuffle[split_1:]],
             'targets': targets[shuffle[split_1:]]}
    return (train['inputs'], train['targets']), (valid['inputs'], valid['targets'])
