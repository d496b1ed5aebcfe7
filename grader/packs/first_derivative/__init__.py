"""The first_derivative exercise pack."""
