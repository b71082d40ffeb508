"""Stage 3, compile: requirements into engine-neutral rule specs, and a case into the values and frames they match."""
