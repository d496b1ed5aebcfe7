"""The tensors_and_variables exercise pack."""
