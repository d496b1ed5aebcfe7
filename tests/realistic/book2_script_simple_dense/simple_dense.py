# Source: Deep Learning with Python, 2nd edition, chapter 3, "A Dense layer implemented as a
#   Layer subclass" (listing 3.22) and "Automatic shape inference" (listing 3.24 and the
#   Sequential cell), from the course notes shared/seeds/003_d0a3316badec9c06.txt, pasted as a
#   script: the class as in the book (its own __init__ without **kwargs, the activation stored as
#   given), then the book's example cells run at import.
# Adapted: nothing but the module; `from tensorflow import keras` kept (Keras 3 under TF 2.16+).
# Expected: full marks for simple_dense.
from tensorflow import keras
import tensorflow as tf


# All Keras layers inherit from the base Layer class
class SimpleDense(keras.layers.Layer):
    def __init__(self, units, activation=None):
        super().__init__()
        self.units = units
        self.activation = activation

    # Weight creation is accomplished via the build() method
    def build(self, input_shape):
        # automatic shape inference based on tensor input
        input_dim = input_shape[-1]
        self.W = self.add_weight(shape=(input_dim, self.units),
                                 initializer="random_normal")
        self.b = self.add_weight(shape=(self.units,),
                                 initializer="zeros")

    # We define the forward pass computation in the call() method
    def call(self, inputs):
        y = tf.matmul(inputs, self.W) + self.b
        if self.activation is not None:
            y = self.activation(y)
        return y


my_dense = SimpleDense(units=32, activation=tf.nn.relu)
input_tensor = tf.ones(shape=(2, 784))
output_tensor = my_dense(input_tensor)
print(output_tensor.shape)

model = keras.Sequential([
    SimpleDense(32, activation="relu"),
    SimpleDense(64, activation="relu"),
    SimpleDense(32, activation="relu"),
    SimpleDense(10, activation="softmax")
])
