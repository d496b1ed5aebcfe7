# Source: written for this corpus (styles of issue 8 section 4): keras.layers.Layer from
#   `import keras`, `batch_dim, input_dim = input_shape`, add_weight with shape and initializer
#   by keyword and name=, keras.ops.matmul and keras.ops.add, and the contract's __init__.
# Adapted: -
# Expected: full marks for simple_dense.
import keras


class SimpleDense(keras.layers.Layer):
    def __init__(self, units, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.activation = None if activation is None else keras.activations.get(activation)

    def build(self, input_shape):
        batch_dim, input_dim = input_shape
        self.W = self.add_weight(shape=(input_dim, self.units), initializer="random_normal", name="W")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", name="b")

    def call(self, inputs):
        outputs = keras.ops.add(keras.ops.matmul(inputs, self.W), self.b)
        if self.activation is not None:
            outputs = self.activation(outputs)
        return outputs
