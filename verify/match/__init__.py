"""verify.match.grouping."""
