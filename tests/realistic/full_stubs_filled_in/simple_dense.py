# Source: the kit's own stubs (exercises/simple_dense.py) as a student receives them, docstrings kept, each
#   NotImplementedError replaced by the student's code, written for this corpus: add_weight with the initializer objects keras.initializers.RandomNormal(stddev=0.05) and Zeros(), the @ operator.
# Adapted: -
# Expected: full marks on every exercise (100/100 with the hidden tests).
"""A Dense layer written as a subclass of `keras.layers.Layer`.

This module follows "A `Dense` layer implemented as a `Layer` subclass" and "Automatic shape
inference: Building layers on the fly" in the course notes. The layer creates its weights
in `build()`, the first time it is called, when the size of its inputs is known, and
computes its forward pass in `call()`.

Example:

```python
model = keras.Sequential([
    SimpleDense(32, activation="relu"),
    SimpleDense(1),
])
```
"""

import keras
import tensorflow as tf


class SimpleDense(keras.layers.Layer):
    """A densely connected layer: `outputs = activation(inputs @ W + b)`."""

    def __init__(self, units, activation=None, **kwargs):
        """Store the number of units and the activation; no weight is created here.

        This method is given: you do not need to change it.

        Args:
            units: The number of outputs of the layer, a positive Python int.
            activation: A callable such as `tf.nn.relu`, the name of a Keras activation
                such as `"relu"`, or `None` for no activation.
            **kwargs: Other arguments of `keras.layers.Layer`, such as `name`.
        """
        super().__init__(**kwargs)
        self.units = units
        # A name such as "relu" becomes the matching Keras activation function.
        self.activation = None if activation is None else keras.activations.get(activation)

    def build(self, input_shape):
        """Create the weights of the layer, now that the size of its inputs is known.

        Create `self.W` of shape `(input_dim, self.units)` with the initializer
        `"random_normal"` and `self.b` of shape `(self.units,)` with the initializer
        `"zeros"`, both with `self.add_weight`. `input_dim` is the last entry of
        `input_shape`; do not assume any particular value.

        Args:
            input_shape: The shape of the first inputs, a tuple such as `(batch_size,
                input_dim)`; the batch size may be `None`.

        Returns:
            Nothing: the weights become attributes of the layer.

        Follows "A `Dense` layer implemented as a `Layer` subclass" and "Automatic shape
        inference: Building layers on the fly" in the course notes.
        """
        input_dim = input_shape[-1]
        self.W = self.add_weight(shape=(input_dim, self.units),
                                 initializer=keras.initializers.RandomNormal(mean=0.0, stddev=0.05))
        self.b = self.add_weight(shape=(self.units,), initializer=keras.initializers.Zeros())

    def call(self, inputs):
        """Compute the forward pass, `activation(inputs @ W + b)`.

        Apply `self.activation` only when it is not `None`; otherwise return the affine
        transformation itself.

        Args:
            inputs: A float32 tensor of shape `(batch_size, input_dim)`.

        Returns:
            A float32 tensor of shape `(batch_size, units)`.

        Follows "A `Dense` layer implemented as a `Layer` subclass" in the course notes.
        """
        y = inputs @ self.W + self.b
        if self.activation is None:
            return y
        return self.activation(y)
