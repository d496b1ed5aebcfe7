"""The sequential_add_pop exercise pack."""
