"""The keras_model exercise pack."""
