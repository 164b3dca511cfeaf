"""verify.engine.cluster."""
