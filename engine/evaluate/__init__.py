"""Stage 5, evaluate: what fired becomes one verdict per requirement; assessment of a case folder, scoring, rule tests."""
