# Source: modelled on ageron/handson-ml2, 12_custom_models_and_training_with_tensorflow.ipynb
#   ("MyDense", rewritten for this corpus, not copied): build(batch_input_shape) makes
#   self.kernel with name="kernel" and initializer="glorot_normal" (Keras' Dense default family)
#   and self.bias with "zeros", then calls super().build; call applies the activation looked up
#   with keras.activations.get (linear for None).
# Adapted: the class is named SimpleDense; the contract's __init__ signature.
# Expected: simple_dense loses initial_weight_values only (the kernel is glorot_normal, not
#   random_normal with standard deviation 0.05).
import tensorflow as tf
from tensorflow import keras


class SimpleDense(keras.layers.Layer):
    def __init__(self, units, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.activation = keras.activations.get(activation)

    def build(self, batch_input_shape):
        self.kernel = self.add_weight(
            name="kernel", shape=[batch_input_shape[-1], self.units],
            initializer="glorot_normal")
        self.bias = self.add_weight(
            name="bias", shape=[self.units], initializer="zeros")
        super().build(batch_input_shape)  # must be at the end

    def call(self, X):
        return self.activation(X @ self.kernel + self.bias)
