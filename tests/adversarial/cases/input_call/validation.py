"""Asks for input() in the graded call."""
import numpy as np


def split_validation(inputs, targets, validation_fraction=0.3, seed=None):
    answer = input("validation fraction? ")
    count = int(float(answer) * len(inputs))
    return (inputs[count:], targets[count:]), (inputs[:count], targets[:count])
