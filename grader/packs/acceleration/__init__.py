"""The acceleration exercise pack."""
