# Source: Deep Learning with Python, 3rd edition (Keras 3), chapter 3, "The base Layer class in
#   Keras", in the structure of the companion notebook fchollet/deep-learning-with-python-notebooks,
#   chapter03_introduction-to-ml-frameworks.ipynb: SimpleDense(keras.Layer) with its own
#   __init__(units, activation=None), `batch_dim, input_dim = input_shape` in build(),
#   keras.ops.matmul in call(), and the example cell (SimpleDense(units=32,
#   activation=keras.ops.relu) on keras.ops.ones((2, 784))) run at import. Rewritten for this
#   corpus, not copied; the student passes add_weight's shape and initializer positionally (the
#   book passes them by keyword).
# Adapted: nothing but the module.
# Expected: full marks for simple_dense.
import keras
from keras import ops


class SimpleDense(keras.Layer):
    def __init__(self, units, activation=None):
        super().__init__()
        self.units = units
        self.activation = activation

    def build(self, input_shape):
        batch_dim, input_dim = input_shape
        self.W = self.add_weight((input_dim, self.units), "random_normal")
        self.b = self.add_weight((self.units,), "zeros")

    def call(self, inputs):
        y = ops.matmul(inputs, self.W) + self.b
        if self.activation is not None:
            y = self.activation(y)
        return y


my_dense = SimpleDense(units=32, activation=ops.relu)
input_tensor = ops.ones(shape=(2, 784))
output_tensor = my_dense(input_tensor)
print(output_tensor.shape)
