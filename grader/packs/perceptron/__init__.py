"""The perceptron exercise pack."""
