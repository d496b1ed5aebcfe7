# Source: modelled on Nishant-Pall/DL-Prac, Custom-Models/Custom_layers.py (rewritten for this
#   corpus, not copied): `from tensorflow.keras.layers import Layer`, the activation looked up with
#   tf.keras.activations.get (None becomes the linear activation, applied unconditionally), and the
#   weights made in build() as plain tf.Variable objects from tf.random_normal_initializer() and
#   tf.zeros_initializer() instead of add_weight; the example at the bottom runs at import.
# Adapted: the contract's __init__ signature.
# Expected: under Keras 3 a plain tf.Variable set on a layer is not one of its trainable weights,
#   so the layer reports no weights and does not train: simple_dense loses the weight tests and
#   trains_inside_sequential, keeps the rest.
import tensorflow as tf
from tensorflow.keras.layers import Layer


class SimpleDense(Layer):
    def __init__(self, units=32, activation=None, **kwargs):
        super(SimpleDense, self).__init__()
        self.units = units
        self.activation = tf.keras.activations.get(activation)

    def build(self, input_shape):
        w_init = tf.random_normal_initializer()
        self.w = tf.Variable(name='kernel', initial_value=w_init(shape=(
            (input_shape[-1], self.units)), dtype='float32'), trainable=True)

        b_init = tf.zeros_initializer()
        self.b = tf.Variable(name='bias', initial_value=b_init(shape=(
            (self.units,)), dtype='float32'), trainable=True)
        super().build(input_shape)

    def call(self, inputs):
        return self.activation(tf.matmul(inputs, self.w) + self.b)


my_dense = SimpleDense(1)
x = tf.ones((1, 1))
y = my_dense(x)

print(y)
