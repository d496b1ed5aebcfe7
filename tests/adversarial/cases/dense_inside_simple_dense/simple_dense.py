"""SimpleDense that wraps keras.layers.Dense (with the right initializers, so that the numbers all match)."""
import keras
import tensorflow as tf


class SimpleDense(keras.layers.Layer):
    def __init__(self, units, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.activation = None if activation is None else keras.activations.get(activation)

    def build(self, input_shape):
        self.dense = keras.layers.Dense(self.units, kernel_initializer="random_normal", bias_initializer="zeros")
        self.dense.build(input_shape)

    def call(self, inputs):
        outputs = self.dense(inputs)
        if self.activation is not None:
            outputs = self.activation(outputs)
        return outputs
