"""Building a `Sequential` model incrementally with `add`, and shortening it with `pop`.

This module follows the notes on `Sequential()`: a plain stack of layers, each with one
input and one output. `add` appends a layer and `pop` removes the last one. A layer's
weights exist only once it knows the shape of its inputs: until the model is built (by
calling it on data, or with `build`), it has no weights at all.

Example:

```python
model = stack_dense_layers([64, 64, 1], activation="relu")
len(model.weights)  # 0: not built yet.
model.build((None, 3))
len(model.weights)  # 6: a kernel and a bias per Dense layer.
model = remove_last_layer(model)
```
"""

import keras


def stack_dense_layers(units, activation):
    """Return a `keras.Sequential` model built up with `add`, one `Dense` layer per entry of `units`.

    Start from an empty `keras.Sequential()` and `add` a `keras.layers.Dense(count,
    activation=activation)` for each `count` in `units`, in order. Do not give the model an
    input shape and do not build it: it has no weights until it is first called.

    Args:
        units: A list of Python ints, the units of each layer, for example `[64, 64, 1]`.
        activation: The activation of every layer: a name such as `"relu"`, or `None`.

    Returns:
        An unbuilt `keras.Sequential` model with `len(units)` `Dense` layers.

    Follows the notes on `Sequential()` and `.add()`.
    """
    model = keras.Sequential()
    for count in units:
        model.add(keras.layers.Dense(count, activation=activation))
    return model


def remove_last_layer(model):
    """Remove the last layer of a `keras.Sequential` model with `pop`, and return the model.

    Args:
        model: A `keras.Sequential` model with at least two layers.

    Returns:
        The same model, with one layer fewer.

    Follows the notes on `Sequential()` and `.pop()`.
    """
    return keras.Sequential(model.layers[:-1])
