"""The square_loss exercise pack."""
