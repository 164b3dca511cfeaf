"""verify.judge.rules."""
