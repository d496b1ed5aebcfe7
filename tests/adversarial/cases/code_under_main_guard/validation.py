"""All the code is under `if __name__ == "__main__":`, so importing the module defines nothing."""
import numpy as np

if __name__ == "__main__":

    def split_validation(inputs, targets, validation_fraction=0.3, seed=None):
        permutation = np.random.default_rng(seed).permutation(len(inputs))
        count = int(validation_fraction * len(inputs))
        inputs, targets = inputs[permutation], targets[permutation]
        return (inputs[count:], targets[count:]), (inputs[:count], targets[:count])

    print(split_validation(np.arange(10), np.arange(10)))
