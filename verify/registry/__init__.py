"""verify.registry."""
