# Source: modelled on a chapter-3 SimpleDense found through the code search without its
#   repository name (docstrings "Weight creation takes place in the build() method."), rewritten
#   for this corpus, not copied: tf.keras.layers.Layer, add_weight all by keyword with name= and
#   trainable=True, input_shape[-1] inline.
# Adapted: the contract's __init__ (keras.activations.get, **kwargs passed on).
# Expected: full marks for simple_dense.
import tensorflow as tf


class SimpleDense(tf.keras.layers.Layer):

    def __init__(self, units, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.activation = None if activation is None else tf.keras.activations.get(activation)

    def build(self, input_shape):
        """
        Weight creation takes place in the build() method.
        :param input_shape:
        :return:
        """
        self.W = self.add_weight(name="kernel", shape=(input_shape[-1], self.units),
                                 initializer='random_normal', trainable=True)
        self.b = self.add_weight(name="bias", shape=(self.units,), initializer='zeros',
                                 trainable=True)

    def call(self, inputs):
        """
        Define the forward pass.
        """
        z = tf.matmul(inputs, self.W) + self.b
        return z if self.activation is None else self.activation(z)
