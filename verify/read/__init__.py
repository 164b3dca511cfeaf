"""verify.read."""
