# Source: modelled on the TensorFlow / Keras guide "Making new layers and models via subclassing"
#   (keras-team/keras-io, guides/making_new_layers_and_models_via_subclassing.py; its first
#   Linear layer draws w_init = tf.random_normal_initializer() and b_init = tf.zeros_initializer()),
#   rewritten for this corpus, not copied: the student passes those TensorFlow initializer objects
#   to add_weight in build() (tf.random_normal_initializer's default standard deviation is 0.05,
#   the same as "random_normal").
# Adapted: the class is SimpleDense with the contract's __init__; weights made in build() from
#   input_shape[-1] instead of in __init__ from input_dim.
# Expected: full marks for simple_dense.
import tensorflow as tf
from tensorflow import keras


class SimpleDense(keras.layers.Layer):
    def __init__(self, units, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.activation = None if activation is None else keras.activations.get(activation)

    def build(self, input_shape):
        w_init = tf.random_normal_initializer()
        b_init = tf.zeros_initializer()
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer=w_init, trainable=True)
        self.b = self.add_weight(shape=(self.units,), initializer=b_init, trainable=True)

    def call(self, inputs):
        outputs = tf.matmul(inputs, self.w) + self.b
        if self.activation is not None:
            outputs = self.activation(outputs)
        return outputs
