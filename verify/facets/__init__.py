"""verify.facets.extract."""
