# Source: written for this corpus (a form seen in course repositories, e.g. the MyDense of
#   ageron/handson-ml2 chapter 12): the activation looked up once with
#   keras.activations.get(activation), which turns None into the linear (identity) activation, and
#   applied unconditionally in call(); weights by keyword with name=.
# Adapted: the contract's __init__ signature.
# Expected: full marks for simple_dense.
import keras
import tensorflow as tf


class SimpleDense(keras.layers.Layer):
    def __init__(self, units, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[-1], self.units),
                                      initializer="random_normal")
        self.bias = self.add_weight(name="bias", shape=(self.units,), initializer="zeros")

    def call(self, inputs):
        return self.activation(tf.matmul(inputs, self.kernel) + self.bias)
