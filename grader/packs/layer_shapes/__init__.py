"""The layer_shapes exercise pack."""
