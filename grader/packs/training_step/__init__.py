"""The training_step exercise pack."""
