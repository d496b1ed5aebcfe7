"""What `Dense` and `LSTM` layers do to the shape of their inputs.

This module follows the notes on `Dense` and `LSTM`. A `Dense` layer applied to an input of
rank 3, `(batch_size, d0, d1)`, works along the last axis only and returns
`(batch_size, d0, units)`. An `LSTM` reads a sequence `(batch_size, timesteps, features)`
and returns the last output only, `(batch_size, units)`, or with `return_sequences=True` the
whole sequence of outputs, `(batch_size, timesteps, units)`. The surest answer builds the
layers and looks at what they return; a rule of your own earns the same points, as long as it
is right for every rank and every option.

Example:

```python
dense_output_shape((8, 10, 3), units=4)  # (8, 10, 4)
lstm_output_shape((8, 10, 3), units=5, return_sequences=False)  # (8, 5)
```
"""

import keras
import numpy as np


def dense_output_shape(input_shape, units):
    """Return the shape of the output of `keras.layers.Dense(units)` on inputs of `input_shape`.

    Make an array of zeros of shape `input_shape`, call a new `keras.layers.Dense(units)`
    on it, and return the shape of the result as a tuple of Python ints.

    Args:
        input_shape: A tuple of Python ints of rank 2 or more, the batch size first.
        units: A Python int.

    Returns:
        A tuple of Python ints.

    Follows the notes on `Dense(units)` (inputs of rank greater than 2).
    """
    raise NotImplementedError("Call a Dense layer on zeros of the given shape; return the output's shape.")


def lstm_output_shape(input_shape, units, return_sequences):
    """Return the shape of the output of `keras.layers.LSTM(units, return_sequences=...)`.

    Make an array of zeros of shape `input_shape` `(batch_size, timesteps, features)`,
    call a new `keras.layers.LSTM(units, return_sequences=return_sequences)` on it, and
    return the shape of the result as a tuple of Python ints.

    Args:
        input_shape: A tuple of three Python ints, `(batch_size, timesteps, features)`.
        units: A Python int.
        return_sequences: A Python bool.

    Returns:
        A tuple of Python ints.

    Follows the notes on `LSTM(units, return_sequences=...)`.
    """
    raise NotImplementedError("Call an LSTM layer on zeros of the given shape; return the output's shape.")
