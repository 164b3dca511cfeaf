"""verify.model."""
