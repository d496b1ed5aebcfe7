# Source: written for the corpus from a mistake seen in course forums: "remove the last layer" done
#   by building a new Sequential from model.layers[:-1] instead of calling pop.
# Adapted: -
# Expected: sequential_add_pop loses the test that the same model comes back only (the new model
#   has the right layers); the hint names model.pop().
import keras


def stack_dense_layers(units, activation):
    model = keras.Sequential()
    for count in units:
        model.add(keras.layers.Dense(count, activation=activation))
    return model


def remove_last_layer(model):
    return keras.Sequential(model.layers[:-1])
