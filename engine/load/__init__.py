"""Stage 1, load: YAML read safely with positions, then rulesets, facts, profiles and conditions checked into the model."""
