# Source: written for the corpus from a common misconception (Dense "flattens" its input), answered
#   by a rule instead of building the layers; the LSTM rule is right.
# Adapted: -
# Expected: layer_shapes loses the test of Dense on inputs of rank 3 or more only (on rank 2 the rule
#   holds).
def dense_output_shape(input_shape, units):
    return (input_shape[0], units)


def lstm_output_shape(input_shape, units, return_sequences):
    if return_sequences:
        return (input_shape[0], input_shape[1], units)
    return (input_shape[0], units)
