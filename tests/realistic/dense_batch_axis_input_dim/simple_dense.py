# Source: written for this corpus from a mistake seen in course repositories: the input size read
#   from input_shape[0] (the batch axis) instead of input_shape[-1]; it works only when the first
#   batch has as many samples as features.
# Adapted: -
# Expected: simple_dense loses the tests that build the layer on a batch whose size differs from
#   the number of features, with the input-size hint.
import tensorflow as tf
import keras


class SimpleDense(keras.layers.Layer):
    def __init__(self, units, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.activation = None if activation is None else keras.activations.get(activation)

    def build(self, input_shape):
        input_dim = input_shape[0]
        self.W = self.add_weight(shape=(input_dim, self.units), initializer="random_normal")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros")

    def call(self, inputs):
        y = tf.matmul(inputs, self.W) + self.b
        if self.activation is not None:
            y = self.activation(y)
        return y
