"""Control: SimpleDense with keras.ops, named weights and a helper."""
import keras
from keras import ops


def _affine(inputs, kernel, bias):
    return ops.add(ops.matmul(inputs, kernel), bias)


class SimpleDense(keras.layers.Layer):
    def __init__(self, units, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.activation = None if activation is None else keras.activations.get(activation)

    def build(self, input_shape):
        self.W = self.add_weight(name="kernel", shape=(input_shape[-1], self.units), initializer="random_normal")
        self.b = self.add_weight(name="bias", shape=(self.units,), initializer="zeros")

    def call(self, inputs):
        outputs = _affine(inputs, self.W, self.b)
        return outputs if self.activation is None else self.activation(outputs)
