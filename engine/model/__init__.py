"""Stage 2, model: frozen dataclasses and enums for rules, cases and results. Raw dicts end at the loaders."""
