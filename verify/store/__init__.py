"""verify.store.db."""
