# Source: modelled on nickeisenberg/Textbooks, DeepLearningWithPython_Chollet/Chapter3/
#   sec3_6_1example.py (rewritten for this corpus, not copied): the book's SimpleDense typed in by
#   hand with two slips, the default activation='None' (a string, so `is not None` is true and
#   call() tries to call the string) and the bias drawn with 'random_normal'; the book's example
#   runs at import with activation=tf.nn.relu.
# Adapted: nothing but the module.
# Expected: simple_dense loses the bias-initializer test and every test that makes the layer
#   without an activation.
from tensorflow import keras
import tensorflow as tf

class SimpleDense(keras.layers.Layer):
    def __init__(self, units, activation='None'):
        super().__init__()
        self.units = units
        self.activation = activation

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.W = self.add_weight(shape=(input_dim, self.units),
                                 initializer='random_normal')
        self.b = self.add_weight(shape=(self.units,),
                                  initializer='random_normal')

    def call(self, inputs):
        y = tf.matmul(inputs, self.W) + self.b
        if self.activation is not None:
            y = self.activation(y)
        return y

# create an example
my_dense = SimpleDense(units=32, activation=tf.nn.relu)
input_tensor = tf.ones(shape=(2,784))
output_tensor = my_dense(input_tensor)
print(output_tensor.shape)
