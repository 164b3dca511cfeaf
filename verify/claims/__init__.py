"""verify.claims."""
