"""The simple_dense exercise pack."""
