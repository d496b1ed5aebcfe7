# Source: modelled on thonor111/AssignmentsIANNwtfGroup12, assignment3/SimpleDense.py (rewritten
#   for this corpus, not copied): a tf.keras.layers.Layer whose __init__ calls
#   super(SimpleDense, self).__init__(), the bias drawn with "random_normal" like the kernel, both
#   add_weight calls with trainable=True, and the activation applied unconditionally in call()
#   (the original's default activation was tf.nn.sigmoid, so it never was None).
# Adapted: the contract's __init__(units, activation=None, **kwargs) signature; the activation is
#   stored as given.
# Expected: simple_dense loses the bias-initializer test and every test that calls the layer
#   without an activation (the unconditional self.activation(x) raises on None).
import tensorflow as tf


# Custom Layer
class SimpleDense(tf.keras.layers.Layer):

    def __init__(self, units, activation=None, **kwargs):
      super(SimpleDense, self).__init__()
      self.units = units
      self.activation = activation

    def build(self, input_shape):
      self.w = self.add_weight(shape=(input_shape[-1], self.units),
                              initializer='random_normal',
                              trainable=True)
      self.b = self.add_weight(shape=(self.units,),
                              initializer='random_normal',
                              trainable=True)

    def call(self, inputs):
      x = tf.matmul(inputs, self.w) + self.b
      x = self.activation(x)
      return x
