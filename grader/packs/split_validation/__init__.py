"""The split_validation exercise pack."""
